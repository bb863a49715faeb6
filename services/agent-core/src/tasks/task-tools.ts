import { z } from 'zod';
import { defineTool, type Tool, type ToolContext } from '../tools/tool';
import { isIsoDateTime } from './iso-datetime';
import type { TaskLink, TaskItem, TaskStore } from './task-store';
import { taskTrigger, type TaskSpecInput } from './task-spec';

// Models send null or "" for arguments they mean to leave out; both read as "not given".
const Optional = z.string().nullish();

const CreateTaskArgs = z.strictObject({
  name: z.string().describe("Task name in snake_case, e.g. 'daily_greeting'; it is also the file name."),
  prompt: z.string().describe('The instruction the agent carries out when the task runs.'),
  description: Optional.describe('What this task does (display only).'),
  model: Optional.describe('Model override, e.g. openai/gpt-4o.'),
  schedule: Optional.describe("Cron expression for RECURRING tasks only, e.g. '0 9 * * *' for 9:00 daily."),
  run_at: Optional.describe("ISO 8601 date-time for a ONE-TIME run, e.g. '2026-04-25T14:30:00' (local time)."),
});

function given(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value;
}

/** The IM conversation a turn comes from, as the task's reply-back link. */
function imLink(ctx: ToolContext): TaskLink {
  if (ctx.surface !== 'im' || !ctx.origin) return {};
  const { platform, channelId, threadId, userId } = ctx.origin;
  return {
    origin: { source: platform, platform, channel_id: channelId, thread_id: threadId, user_id: userId },
    ...(ctx.sessionId ? { sessionId: ctx.sessionId } : {}),
  };
}

function describeWhen(spec: { schedule?: string; run_at?: string }): string {
  const trigger = taskTrigger(spec);
  if (trigger.kind === 'cron') return `schedule: ${trigger.cron}`;
  if (trigger.kind === 'once') return `run at: ${trigger.runAt}`;
  return 'manual';
}

function createTask(store: TaskStore): Tool {
  return defineTool({
    name: 'CreateTask',
    description:
      "Create a scheduled or deferred task. Required: 'name' (snake_case) and 'prompt' (the instruction to run). " +
      "Optional: 'schedule' (cron, recurring), 'run_at' (ISO 8601, one time), 'model', 'description'. " +
      'Use this instead of shell commands such as `cliver task create`: in a chat it links the task to this ' +
      'conversation, so results are delivered back here.',
    input: CreateTaskArgs,
    run: (args, ctx) => {
      let schedule = given(args.schedule);
      let runAt = given(args.run_at);
      // As in the original: a date-time passed as schedule is a one-time run.
      if (schedule && !runAt && isIsoDateTime(schedule.trim())) [runAt, schedule] = [schedule.trim(), undefined];
      if (runAt !== undefined && !isIsoDateTime(runAt.trim())) {
        return `Error: invalid run_at '${runAt}'. Use ISO 8601 (e.g. 2026-04-25T14:30:00).`;
      }
      const spec: TaskSpecInput = {
        name: args.name,
        prompt: args.prompt,
        description: given(args.description),
        model: given(args.model),
        schedule,
        run_at: runAt?.trim(),
      };
      const link = imLink(ctx);
      store.create(spec, link);
      const replyBack = link.origin ? ` (reply-back: ${link.origin.platform})` : '';
      return `Task '${args.name}' created (${describeWhen(spec)})${replyBack}`;
    },
  });
}

function statusOf(item: TaskItem): string {
  if (item.task_status !== 'active') return `${item.task_status}: ${item.task_error?.split('\n')[0] ?? ''}`;
  return item.live_status?.status ?? 'pending';
}

function listTasks(store: TaskStore): Tool {
  return defineTool({
    name: 'ListTasks',
    description: 'List the scheduled and manual tasks: name, when each runs, and its status.',
    input: z.strictObject({}),
    run: () => {
      const items = store.list();
      if (items.length === 0) return 'No tasks.';
      return items
        .map((item) => {
          const when = item.task_status === 'active' ? `${describeWhen(item)} · ` : '';
          return `- ${item.name}: ${when}${statusOf(item)}`;
        })
        .join('\n');
    },
  });
}

function deleteTask(store: TaskStore): Tool {
  return defineTool({
    name: 'DeleteTask',
    description: 'Delete a task: its definition and its run history.',
    input: z.strictObject({ name: z.string().describe('The task name, as ListTasks shows it.') }),
    run: ({ name }) => {
      const runsRemoved = store.delete(name);
      return `Task '${name}' deleted (${runsRemoved} runs removed)`;
    },
  });
}

/** The agent's task tools, CreateTask, ListTasks and DeleteTask (cliver-formats.md §3), over one store. */
export function taskTools(store: TaskStore): Tool[] {
  return [createTask(store), listTasks(store), deleteTask(store)];
}
