import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { AppError, describeZodIssue } from '@cliver/common';

/**
 * `allowed-tools` is a space-separated string in the Agent Skills format and a list in some
 * editors' files; Claude Code writes `Read, Grep`, so commas separate names as well.
 */
const AllowedTools = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((entry) => entry.split(/[\s,]+/)).filter((name) => name !== ''));

/**
 * Frontmatter of a SKILL.md (cliver-formats.md §6). Keys we do not use are ignored rather than
 * refused: skills are shared with other agents (`.claude/skills`, `.gemini/skills`…) whose own
 * keys must not make the skill unusable here.
 */
export const SkillFrontmatter = z
  .object({
    name: z.string().trim().min(1),
    description: z.string().default(''),
    license: z.string().optional(),
    compatibility: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).default({}),
    'allowed-tools': AllowedTools.default([]),
  })
  .loose();
export type SkillFrontmatter = z.infer<typeof SkillFrontmatter>;

export interface SkillFile {
  name: string;
  description: string;
  license?: string;
  compatibility?: string;
  metadata: Record<string, unknown>;
  allowedTools: string[];
  /** The markdown after the frontmatter, trimmed. */
  body: string;
}

// The closing fence is a line holding only `---`; CRLF files come from Windows editors.
const FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function invalid(path: string, field: string, message: string): AppError {
  return new AppError('invalid_argument', `${path}: ${field}: ${message}`, { field, reason: 'invalid_skill_file' });
}

/** Parses the text of a SKILL.md; `path` only names the file in errors. */
export function parseSkillFile(text: string, path: string): SkillFile {
  const match = FRONTMATTER.exec(text);
  if (!match) throw invalid(path, 'frontmatter', 'expected YAML frontmatter between two "---" lines at the top of the file');
  const doc = parseDocument(match[1]!, { prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    // The frontmatter starts on the file's second line.
    const line = (yamlError.linePos?.[0]?.line ?? 0) + 1;
    throw invalid(path, 'frontmatter', `invalid YAML at line ${line}: ${yamlError.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS() ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) throw invalid(path, 'frontmatter', 'expected a mapping of keys to values');
  const parsed = SkillFrontmatter.safeParse(data);
  if (!parsed.success) {
    const issue = describeZodIssue(parsed.error.issues[0]!, data, SkillFrontmatter);
    throw invalid(path, issue.path || 'frontmatter', issue.message);
  }
  const fm = parsed.data;
  return {
    name: fm.name,
    description: fm.description,
    license: fm.license,
    compatibility: fm.compatibility,
    metadata: fm.metadata,
    allowedTools: fm['allowed-tools'],
    body: text.slice(match[0].length).trim(),
  };
}

/** Reads and parses a SKILL.md; errors name the file. */
export async function readSkillFile(path: string): Promise<SkillFile> {
  return parseSkillFile(await readFile(path, 'utf8'), path);
}
