import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectedAppError } from '@cliver/testkit';
import type { ToolContext } from '../tools/tool';
import { AgentMemory } from './memory-file';
import { memoryReadTool, memoryTools, memoryWriteTool } from './memory-tools';

const ctx: ToolContext = { surface: 'im', signal: new AbortController().signal };

let home: string;
let memory: AgentMemory;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cliver-memtools-'));
  memory = new AgentMemory({ home, agent: 'CLIver', timeZone: 'UTC', now: () => new Date('2026-11-26T09:15:00Z') });
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const failure = rejectedAppError;

describe('memory tools', () => {
  it('are named MemoryRead and MemoryWrite', () => {
    expect(memoryTools(memory).map((t) => t.name)).toEqual(['MemoryRead', 'MemoryWrite']);
  });

  it('MemoryRead says when memory is empty, and returns it otherwise', async () => {
    const read = memoryReadTool(memory);
    expect(await read.execute({}, ctx)).toBe('(memory is empty)');
    await memory.appendMemory('likes tea', { scope: 'agent' });
    expect(await read.execute({}, ctx)).toContain('likes tea');
  });

  it('MemoryWrite appends to the agent memory by default', async () => {
    const write = memoryWriteTool(memory);
    expect(await write.execute({ content: 'likes tea', comment: 'prefs' }, ctx)).toBe('Appended an entry to agent memory.');
    expect(readFileSync(join(home, 'CLIver', 'memory.md'), 'utf8')).toBe('# Memory: CLIver\n\n## 2026-11-26 09:15 — prefs\nlikes tea\n');
  });

  it('MemoryWrite rewrites the global memory when asked', async () => {
    await memory.appendMemory('old', { scope: 'global' });
    const reply = await memoryWriteTool(memory).execute({ content: 'new', mode: 'rewrite', scope: 'global' }, ctx);
    expect(reply).toBe('Rewrote global memory (3 characters).');
    expect(readFileSync(join(home, 'memory.md'), 'utf8')).toBe('new\n');
  });

  it('MemoryWrite refuses bad arguments with a message naming the field', async () => {
    const write = memoryWriteTool(memory);
    const badScope = await failure(write.execute({ content: 'x', scope: 'team' }, ctx));
    expect(badScope.field).toBe('scope');
    expect(badScope.message).toContain('scope');
    expect((await failure(write.execute({ content: 'x', mode: 'replace' }, ctx))).field).toBe('mode');
    expect((await failure(write.execute({}, ctx))).field).toBe('content');
    const empty = await failure(write.execute({ content: ' ' }, ctx));
    expect(empty.field).toBe('content');
    expect(empty.message).toContain('content');
    const typo = await failure(write.execute({ content: 'x', scop: 'global' }, ctx));
    expect(typo.message).toContain('scop');
  });
});
