import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SkillCatalog, skillRoots, type SkillCatalogOptions } from './skill-catalog';
import { FIXTURE_HOME, waitFor } from '@cliver/testkit';

let base: string;
let options: SkillCatalogOptions;

function writeSkill(root: string, folder: string, frontmatter: string, body = 'Instructions.'): string {
  mkdirSync(join(root, folder), { recursive: true });
  const path = join(root, folder, 'SKILL.md');
  writeFileSync(path, `---\n${frontmatter}\n---\n${body}\n`);
  return path;
}

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'cliver-skills-'));
  const home = join(base, 'home');
  cpSync(FIXTURE_HOME, home, { recursive: true });
  options = { home, userHome: join(base, 'user'), cwd: join(base, 'project'), builtinDir: join(base, 'builtin'), debounceMs: 30 };
});

afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('SkillCatalog', () => {
  it('loads the fixture home skill as a global skill', async () => {
    const catalog = await SkillCatalog.load(options);
    const skill = catalog.get('release-notes');
    expect(skill).toMatchObject({
      name: 'release-notes',
      source: 'global',
      path: join(options.home, 'skills', 'release-notes', 'SKILL.md'),
      license: 'MIT',
      allowedTools: ['Read', 'Grep'],
      metadata: { author: 'example' },
    });
    expect(skill?.body).toContain('Group changes into Added, Changed, Fixed.');
    expect(catalog.problems).toEqual([]);
  });

  it('searches the roots in override order', () => {
    const roots = skillRoots(options).map((r) => [r.source, r.dir.slice(base.length + 1)]);
    expect(roots).toEqual([
      ['builtin', 'builtin'],
      ['global', 'home/skills'],
      ['user', 'user/.agents/skills'],
      ['project', 'project/.cliver/skills'],
      ['project', 'project/.agent/skills'],
      ['project', 'project/.claude/skills'],
      ['project', 'project/.gemini/skills'],
      ['project', 'project/.qwen/skills'],
    ]);
  });

  it('lets a later source override an earlier one by name, whatever the folder is called', async () => {
    writeSkill(options.builtinDir!, 'review', 'name: review\ndescription: builtin');
    writeSkill(join(options.userHome, '.agents', 'skills'), 'review', 'name: review\ndescription: user');
    const projectPath = writeSkill(join(options.cwd!, '.claude', 'skills'), 'notes-v2', 'name: release-notes\ndescription: project');
    writeSkill(join(options.cwd!, '.cliver', 'skills'), 'other', 'name: review\ndescription: cliver project');

    const catalog = await SkillCatalog.load(options);
    expect(catalog.get('release-notes')).toMatchObject({ source: 'project', description: 'project', path: projectPath });
    expect(catalog.get('review')).toMatchObject({ source: 'project', description: 'cliver project' });
    expect(catalog.list().map((s) => s.name)).toEqual(['release-notes', 'review']);
  });

  it('reports a broken skill and still loads the others', async () => {
    const root = join(options.home, 'skills');
    const broken = writeSkill(root, 'broken', 'description: no name');
    writeSkill(root, 'zz-listed', 'name: listed\nallowed-tools: [Read, Write]');
    mkdirSync(join(root, 'not-a-skill')); // a folder without SKILL.md is not a problem
    writeFileSync(join(root, 'README.md'), 'notes');

    const catalog = await SkillCatalog.load(options);
    expect(catalog.list().map((s) => s.name)).toEqual(['listed', 'release-notes']);
    expect(catalog.get('listed')?.allowedTools).toEqual(['Read', 'Write']);
    expect(catalog.problems).toEqual([{ path: broken, field: 'name', message: `${broken}: name: is required` }]);
  });

  it('is empty before the first reload and picks up changes on reload', async () => {
    const catalog = new SkillCatalog(options);
    expect(catalog.list()).toEqual([]);
    await catalog.reload();
    expect(catalog.list()).toHaveLength(1);
    rmSync(join(options.home, 'skills', 'release-notes'), { recursive: true });
    writeSkill(join(options.cwd!, '.qwen', 'skills'), 'q', 'name: q');
    await catalog.reload();
    expect(catalog.list().map((s) => `${s.source}:${s.name}`)).toEqual(['project:q']);
  });

  it('watch() reloads when a skill is added or edited', async () => {
    const catalog = await SkillCatalog.load(options);
    const root = join(options.home, 'skills');
    const stop = catalog.watch();
    try {
      writeSkill(root, 'fresh', 'name: fresh\ndescription: first');
      await waitFor(() => catalog.get('fresh') !== undefined, { timeoutMs: 5000, intervalMs: 20, what: 'the new skill to be loaded' });
      writeSkill(root, 'fresh', 'name: fresh\ndescription: second');
      await waitFor(() => catalog.get('fresh')?.description === 'second', { timeoutMs: 5000, intervalMs: 20, what: 'the edited skill to be reloaded' });
    } finally {
      stop();
    }
  });
});
