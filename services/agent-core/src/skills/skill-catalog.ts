import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type Logger } from '@cliver/common';
import { readSkillFile, type SkillFile } from './skill-file';
import { watchRoots } from './watch-roots';

/** Where a skill was found; later sources override earlier ones by name. */
export type SkillSource = 'builtin' | 'global' | 'user' | 'project';

export interface Skill extends SkillFile {
  source: SkillSource;
  /** Absolute path of the SKILL.md. */
  path: string;
}

/** A SKILL.md that could not be loaded; discovery goes on without it. */
export interface SkillProblem {
  path: string;
  message: string;
  field?: string;
}

export interface SkillRoot {
  dir: string;
  source: SkillSource;
}

export interface SkillCatalogOptions {
  /** CLIver home (`$CLIVER_CONF_DIR` or `~/.cliver`); its `skills/` are the global skills. */
  home: string;
  /** The user's home directory, for `~/.agents/skills`. */
  userHome: string;
  /** Skills shipped with the gateway; absent or empty is fine. */
  builtinDir?: string;
  /** The project folder whose `.cliver/skills`, `.claude/skills`… are searched. */
  cwd?: string;
  logger?: Logger;
  /** Quiet time after the last file change before `watch()` reloads. */
  debounceMs?: number;
}

const PROJECT_DIRS = ['.cliver', '.agent', '.claude', '.gemini', '.qwen'];
const SKILL_FILE = 'SKILL.md';

/** The folders searched, in override order (cliver-formats.md §6). */
export function skillRoots(options: Pick<SkillCatalogOptions, 'home' | 'userHome' | 'builtinDir' | 'cwd'>): SkillRoot[] {
  const roots: SkillRoot[] = [];
  if (options.builtinDir) roots.push({ dir: options.builtinDir, source: 'builtin' });
  roots.push({ dir: join(options.home, 'skills'), source: 'global' });
  roots.push({ dir: join(options.userHome, '.agents', 'skills'), source: 'user' });
  if (options.cwd) for (const d of PROJECT_DIRS) roots.push({ dir: join(options.cwd, d, 'skills'), source: 'project' });
  return roots;
}

/**
 * The skills visible to the agent. Empty until `reload()` (or `SkillCatalog.load`) has run; a
 * reload swaps the whole set at once, so readers never see a half-scanned catalog.
 */
export class SkillCatalog {
  readonly roots: readonly SkillRoot[];
  private skills = new Map<string, Skill>();
  private found: SkillProblem[] = [];
  private started = 0;
  private applied = 0;

  constructor(private readonly options: SkillCatalogOptions) {
    this.roots = skillRoots(options);
  }

  static async load(options: SkillCatalogOptions): Promise<SkillCatalog> {
    const catalog = new SkillCatalog(options);
    await catalog.reload();
    return catalog;
  }

  /** Skills sorted by name. */
  list(): Skill[] {
    return [...this.skills.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): Skill | undefined {
    return this.skills.get(name);
  }

  /** SKILL.md files skipped by the last reload, with the reason. */
  get problems(): readonly SkillProblem[] {
    return this.found;
  }

  /** Scans every root again. Never throws: unreadable skills end up in `problems`. */
  async reload(): Promise<void> {
    const generation = ++this.started;
    const skills = new Map<string, Skill>();
    const problems: SkillProblem[] = [];
    for (const root of this.roots) {
      for (const result of await scanRoot(root)) {
        if ('problem' in result) problems.push(result.problem);
        else skills.set(result.skill.name, result.skill);
      }
    }
    // Reloads overlap when files change during a scan; the newest scan must win.
    if (generation < this.applied) return;
    this.applied = generation;
    this.skills = skills;
    this.found = problems;
    for (const p of problems) this.options.logger?.warn({ path: p.path, field: p.field, reason: p.message }, 'skipped a skill that does not load');
    this.options.logger?.debug({ skills: skills.size, problems: problems.length }, 'skills loaded');
  }

  /**
   * Reloads after files change under the roots that exist now. The watchers do not keep the
   * process alive. Returns a function that stops watching.
   */
  watch(onReload?: (catalog: SkillCatalog) => void): () => void {
    return watchRoots({
      dirs: this.roots.map((r) => r.dir),
      debounceMs: this.options.debounceMs ?? 200,
      logger: this.options.logger,
      onChange: async () => {
        await this.reload();
        onReload?.(this);
      },
    });
  }
}

type ScanResult = { skill: Skill } | { problem: SkillProblem };

async function scanRoot(root: SkillRoot): Promise<ScanResult[]> {
  let names: string[];
  try {
    names = (await readdir(root.dir)).sort();
  } catch {
    return []; // a missing root is the normal case: most of them never exist
  }
  const results = await Promise.all(names.map((name) => loadSkill(root, join(root.dir, name, SKILL_FILE))));
  return results.filter((r): r is ScanResult => r !== undefined);
}

async function loadSkill(root: SkillRoot, path: string): Promise<ScanResult | undefined> {
  // Folders without a SKILL.md (and plain files) are not skills; stat follows symlinked folders.
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  try {
    return { skill: { ...(await readSkillFile(path)), source: root.source, path } };
  } catch (err) {
    const problem: SkillProblem = { path, message: err instanceof Error ? err.message : String(err) };
    if (err instanceof AppError && err.field) problem.field = err.field;
    return { problem };
  }
}
