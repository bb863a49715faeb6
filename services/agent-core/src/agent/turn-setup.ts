import { AppError } from '@cliver/common';
import { ActiveSkills, activeSkillsPrompt, restrictTools, skillTool, type SkillLookup } from '../skills/activation';
import { askTool } from '../tools/ask-tool';
import type { Tool } from '../tools/tool';
import type { SetupPort, TurnSession, TurnSetup } from './ports';
import { allowsAsk, systemText } from './system-text';
import type { TurnRequest } from './turn';

export interface TurnSetupDeps {
  agentName: string;
  agentDir: string;
  timeZone: string;
  skills: SkillLookup;
  /** The gateway's own tools (tasks, memory), built once. */
  builtinTools: Tool[];
  /** Tools of the connected MCP servers, as they are at the start of the turn. */
  mcpTools: () => Tool[];
  /** The identity and memory prompt text, cached between turns. */
  profile: { get(): Promise<string> };
  now: () => Date;
}

/** Builds each turn's system text and tool list from the request's surface, skills and filters. */
export class TurnSetupBuilder implements SetupPort {
  constructor(private readonly deps: TurnSetupDeps) {}

  async setup(request: TurnRequest, session: TurnSession | undefined): Promise<TurnSetup> {
    const { deps } = this;
    const active = new ActiveSkills(
      request.skills.map((name) => {
        const skill = deps.skills.get(name);
        if (!skill) throw new AppError('not_found', `unknown skill "${name}"`, { field: 'skills', reason: 'skill_not_found' });
        return skill;
      }),
    );
    let tools: Tool[] = [...deps.builtinTools, skillTool(deps.skills, active), ...deps.mcpTools()];
    if (allowsAsk(request.surface)) tools.push(askTool);
    if (request.turnTools) tools.push(...request.turnTools);
    if (request.toolFilter.length) tools = tools.filter((t) => request.toolFilter.includes(t.name));
    const profile = await deps.profile.get();
    const linkedTask = typeof session?.options.task_name === 'string' ? session.options.task_name : undefined;
    const base = systemText({
      agentName: deps.agentName,
      surface: request.surface,
      now: deps.now(),
      timeZone: deps.timeZone,
      origin: request.origin,
      linkedTask,
      extra: request.systemMessage,
    });
    // Rebuilt only when the Skill tool activated something since the last model call.
    let view: { skills: number; system: string; tools: Tool[] } | undefined;
    const current = () => {
      const skills = active.list();
      if (view?.skills !== skills.length) {
        const system = [base, profile, activeSkillsPrompt(skills)].filter(Boolean).join('\n\n');
        view = { skills: skills.length, system, tools: restrictTools(tools, skills) };
      }
      return view;
    };
    return {
      get system() {
        return current().system;
      },
      get tools() {
        return current().tools;
      },
    };
  }
}
