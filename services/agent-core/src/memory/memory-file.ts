import { join } from 'node:path';
import { AppError, dateTimeFormat, hostTimeZone } from '@cliver/common';
import { readTextOrEmpty, updateFileAtomically } from './atomic-update';

/** `global` is `<home>/memory.md`, shared by every agent; `agent` is `<home>/<agent>/memory.md`. */
export type MemoryScope = 'agent' | 'global';

/** How much memory goes into the system text; the newest part is kept (cliver-formats.md §6). */
export const MEMORY_PROMPT_MAX_CHARS = 3000;

export interface AgentMemoryOptions {
  /** Called after every write, so a cached memory prompt is refreshed before the next turn. */
  onWrite?: () => void;
  /** CLIver home (`$CLIVER_CONF_DIR` or `~/.cliver`). */
  home: string;
  /** Agent name, the folder under `home`. */
  agent: string;
  now: () => Date;
  /** IANA zone of entry timestamps (config `timezone`); the host's zone when absent. */
  timeZone?: string;
}

/** `YYYY-MM-DD HH:MM` of `date` in `timeZone`, as memory headings write it. */
export function formatMemoryTime(date: Date, timeZone: string): string {
  const parts = timeFormat(timeZone).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

function timeFormat(timeZone: string): Intl.DateTimeFormat {
  try {
    // h23: some engines print midnight as "24:00" with hour12 off; h23 never does.
    return dateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch (err) {
    throw new AppError('invalid_argument', `unknown time zone '${timeZone}': use an IANA name such as Europe/Berlin`, {
      field: 'timezone',
      cause: err,
    });
  }
}

/** One entry as appended: a blank line, `## <time>[ — <comment>]`, then the text. */
export function formatMemoryEntry(text: string, time: string, comment?: string): string {
  // A line break in the comment would end the heading and corrupt the entry list.
  const note = comment?.replace(/\s+/g, ' ').trim();
  return `\n## ${time}${note ? ` — ${note}` : ''}\n${text.trim()}\n`;
}

/** The memory files of one agent plus the global one. Missing files are empty memory. */
export class AgentMemory {
  private readonly timeZone: string;

  constructor(private readonly options: AgentMemoryOptions) {
    if (!options.agent || /[/\\]/.test(options.agent) || options.agent === '.' || options.agent === '..') {
      throw new AppError('invalid_argument', `invalid agent name '${options.agent}': it is a folder name under the CLIver home`, {
        field: 'agent',
      });
    }
    this.timeZone = options.timeZone ?? hostTimeZone();
    timeFormat(this.timeZone); // fail at start-up, not at the first memory write
  }

  pathOf(scope: MemoryScope): string {
    return scope === 'global' ? join(this.options.home, 'memory.md') : join(this.options.home, this.options.agent, 'memory.md');
  }

  /** One file's text as stored ('' when missing). */
  read(scope: MemoryScope): Promise<string> {
    return readTextOrEmpty(this.pathOf(scope));
  }

  /** Global memory, then the agent's, separated by a blank line; '' when both are empty. */
  async readMemory(): Promise<string> {
    const [global, agent] = await Promise.all([this.read('global'), this.read('agent')]);
    return [global.trim(), agent.trim()].filter((t) => t !== '').join('\n\n');
  }

  /** `# Agent Memory` and the newest MEMORY_PROMPT_MAX_CHARS characters; '' when empty. */
  async memoryPrompt(): Promise<string> {
    const memory = await this.readMemory();
    if (memory === '') return '';
    if (memory.length <= MEMORY_PROMPT_MAX_CHARS) return `# Agent Memory\n\n${memory}`;
    let tail = memory.slice(-MEMORY_PROMPT_MAX_CHARS);
    // Do not start with the second half of a split surrogate pair (emoji).
    if (/^[\uDC00-\uDFFF]/.test(tail)) tail = tail.slice(1);
    return `# Agent Memory\n\n...(truncated)\n${tail}`;
  }

  /** Appends a timestamped entry; a new file starts with a `# Memory` title as the original's did. */
  async appendMemory(text: string, options: { comment?: string; scope: MemoryScope }): Promise<void> {
    if (text.trim() === '') throw new AppError('invalid_argument', 'memory entry is empty', { field: 'content' });
    const entry = formatMemoryEntry(text, formatMemoryTime(this.options.now(), this.timeZone), options.comment);
    const title = options.scope === 'global' ? '# Memory' : `# Memory: ${this.options.agent}`;
    await updateFileAtomically(this.pathOf(options.scope), (current) => {
      if (current.trim() === '') return `${title}\n${entry}`;
      // Files edited by hand often lack the final newline; without it the blank line is lost.
      return `${current.endsWith('\n') ? current : `${current}\n`}${entry}`;
    });
    this.options.onWrite?.();
  }

  /** Replaces a whole memory file (the model's own condensed version of it). */
  async rewriteMemory(text: string, scope: MemoryScope): Promise<void> {
    const body = text.trim() === '' ? '' : `${text.trimEnd()}\n`;
    await updateFileAtomically(this.pathOf(scope), () => body);
    this.options.onWrite?.();
  }
}
