import { dirname } from 'node:path';
import { z } from 'zod';
import { AppError } from '@cliver/common';
import { defineTool, type Tool } from '../tools/tool';
import type { Skill } from './skill-catalog';

/** The name of the tool that activates skills; it survives every `allowed-tools` restriction. */
export const SKILL_TOOL_NAME = 'Skill';

/** What the `Skill` tool needs from a catalog. */
export interface SkillLookup {
  get(name: string): Skill | undefined;
  list(): Skill[];
}

/**
 * The skills active in one turn: pre-activated ones (a task's `skills`) and those the model
 * activates with the `Skill` tool. Keeps the skill as it was when activated, so a catalog
 * reload in the middle of a turn does not change the rules the turn runs under.
 */
export class ActiveSkills {
  private readonly byName = new Map<string, Skill>();

  constructor(initial: readonly Skill[] = []) {
    for (const skill of initial) this.activate(skill);
  }

  /** Returns false when the skill was already active. */
  activate(skill: Skill): boolean {
    if (this.byName.has(skill.name)) return false;
    this.byName.set(skill.name, skill);
    return true;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** In activation order. */
  list(): Skill[] {
    return [...this.byName.values()];
  }
}

function skillSection(skill: Skill): string {
  return `# Skill: ${skill.name}\n\n${skill.body}`;
}

/** System text for the active skills: each body under `# Skill: <name>`; '' when none. */
export function activeSkillsPrompt(skills: readonly Skill[]): string {
  return skills.map(skillSection).join('\n\n');
}

/**
 * Applies the union of the active skills' `allowed-tools`. Skills without the key do not
 * restrict anything, so with none of them restricting, every tool stays. The `Skill` tool is
 * always kept so the model can still activate another skill.
 */
export function restrictTools(tools: readonly Tool[], skills: readonly Skill[]): Tool[] {
  const allowed = new Set(skills.flatMap((s) => s.allowedTools));
  if (allowed.size === 0) return [...tools];
  return tools.filter((tool) => tool.name === SKILL_TOOL_NAME || allowed.has(tool.name));
}

const SkillToolInput = z.strictObject({ name: z.string().trim().min(1) });

function describeSkills(skills: readonly Skill[]): string {
  if (skills.length === 0) return 'No skills are installed.';
  return ['Available skills:', ...skills.map((s) => `- ${s.name}: ${s.description || '(no description)'}`)].join('\n');
}

/**
 * The `Skill` tool for one turn. Its description lists the catalog's skills as they are when
 * the turn starts; activation is recorded in `active`, which the turn reads to build the
 * system text and the tool list of its next model call.
 */
export function skillTool(catalog: SkillLookup, active: ActiveSkills): Tool {
  return defineTool({
    name: SKILL_TOOL_NAME,
    description:
      'Activate a skill: returns its instructions, which apply for the rest of this turn. ' +
      'Activate a skill when the task matches its description.\n' +
      describeSkills(catalog.list()),
    input: SkillToolInput,
    run: ({ name }) => {
      const skill = catalog.get(name);
      if (!skill) {
        const names = catalog.list().map((s) => s.name);
        const available = names.length > 0 ? `Available skills: ${names.join(', ')}.` : 'No skills are installed.';
        throw new AppError('not_found', `Unknown skill '${name}'. ${available}`, { field: 'name', reason: 'skill_not_found' });
      }
      active.activate(skill);
      // The folder lets the model open files the instructions refer to (scripts/, references/).
      return `${skillSection(skill)}\n\n(Skill folder: ${dirname(skill.path)})`;
    },
  });
}
