import { AppError } from '@cliver/common';
import { defineTool, type Tool, type ToolContext } from '../tools/tool';
import { z } from 'zod';
import { ActiveSkills, activeSkillsPrompt, restrictTools, SKILL_TOOL_NAME, skillTool, type SkillLookup } from './activation';
import type { Skill } from './skill-catalog';

const ctx: ToolContext = { surface: 'cli', signal: new AbortController().signal };

function skill(name: string, allowedTools: string[] = [], body = `Do ${name}.`): Skill {
  return { name, description: `${name} skill`, source: 'global', path: `/skills-root/${name}/SKILL.md`, allowedTools, body, metadata: {} };
}

function tool(name: string): Tool {
  return defineTool({ name, description: name, input: z.object({}), run: () => name });
}

function lookup(skills: Skill[]): SkillLookup {
  return { get: (n) => skills.find((s) => s.name === n), list: () => skills };
}

const tools = ['Read', 'Grep', 'Write', 'Bash', SKILL_TOOL_NAME].map(tool);
const names = (list: Tool[]) => list.map((t) => t.name);

describe('restrictTools', () => {
  it('keeps every tool when no active skill restricts', () => {
    expect(names(restrictTools(tools, []))).toEqual(['Read', 'Grep', 'Write', 'Bash', 'Skill']);
    expect(names(restrictTools(tools, [skill('free')]))).toEqual(['Read', 'Grep', 'Write', 'Bash', 'Skill']);
  });

  it('keeps the union of allowed-tools, plus the Skill tool', () => {
    const active = [skill('a', ['Read', 'Grep']), skill('b', ['Grep', 'Bash']), skill('free')];
    expect(names(restrictTools(tools, active))).toEqual(['Read', 'Grep', 'Bash', 'Skill']);
  });

  it('ignores allowed names that are not among the tools', () => {
    expect(names(restrictTools(tools, [skill('a', ['Read', 'WebFetch'])]))).toEqual(['Read', 'Skill']);
  });
});

describe('activeSkillsPrompt', () => {
  it('puts each body under its own heading, and is empty without skills', () => {
    expect(activeSkillsPrompt([skill('a'), skill('b')])).toBe('# Skill: a\n\nDo a.\n\n# Skill: b\n\nDo b.');
    expect(activeSkillsPrompt([])).toBe('');
  });
});

describe('Skill tool', () => {
  const catalog = lookup([skill('release-notes', ['Read', 'Grep'], '# Release notes\n\nGroup changes.'), skill('review')]);

  it('lists the available skills in its description', () => {
    const t = skillTool(catalog, new ActiveSkills());
    expect(t.name).toBe('Skill');
    expect(t.description).toContain('- release-notes: release-notes skill');
    expect(t.parameters).toMatchObject({ type: 'object', required: ['name'] });
  });

  it('returns the body and records the activation for the rest of the turn', async () => {
    const active = new ActiveSkills([skill('review')]);
    const result = await skillTool(catalog, active).execute({ name: 'release-notes' }, ctx);
    expect(result).toContain('# Skill: release-notes\n\n# Release notes\n\nGroup changes.');
    expect(result).toContain('/skills-root/release-notes');
    expect(active.list().map((s) => s.name)).toEqual(['review', 'release-notes']);
    expect(names(restrictTools(tools, active.list()))).toEqual(['Read', 'Grep', 'Skill']);
  });

  it('refuses an unknown skill and names the available ones', async () => {
    const active = new ActiveSkills();
    const err = await skillTool(catalog, active).execute({ name: 'nope' }, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('not_found');
    expect((err as AppError).message).toBe("Unknown skill 'nope'. Available skills: release-notes, review.");
    expect(active.list()).toEqual([]);
  });

  it('refuses arguments without a name', async () => {
    const err = await skillTool(catalog, new ActiveSkills()).execute({}, ctx).catch((e: unknown) => e);
    expect((err as AppError).field).toBe('name');
  });
});
