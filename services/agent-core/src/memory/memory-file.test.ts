import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@cliver/common';
import { AgentMemory, formatMemoryTime, MEMORY_PROMPT_MAX_CHARS } from './memory-file';
import { FIXTURE_HOME } from '@cliver/testkit';

const FIXTURE_MEMORY = readFileSync(join(FIXTURE_HOME, 'CLIver', 'memory.md'), 'utf8');
const NOW = new Date('2026-11-26T09:15:42Z');

let home: string;
const memoryOf = (agent = 'CLIver', timeZone = 'UTC') => new AgentMemory({ home, agent, timeZone, now: () => NOW });
const fileOf = (...parts: string[]) => readFileSync(join(home, ...parts), 'utf8');

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cliver-memory-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('formatMemoryTime', () => {
  it('writes local time in the given zone, midnight as 00', () => {
    expect(formatMemoryTime(NOW, 'UTC')).toBe('2026-11-26 09:15');
    expect(formatMemoryTime(NOW, 'Asia/Tokyo')).toBe('2026-11-26 18:15');
    expect(formatMemoryTime(new Date('2026-11-26T00:05:00Z'), 'UTC')).toBe('2026-11-26 00:05');
  });
});

describe('AgentMemory', () => {
  it('appends to the fixture memory in the format of its existing entry', async () => {
    cpSync(FIXTURE_HOME, home, { recursive: true });
    await memoryOf().appendMemory('text', { comment: 'project', scope: 'agent' });
    expect(fileOf('CLIver', 'memory.md')).toBe(`${FIXTURE_MEMORY}\n## 2026-11-26 09:15 — project\ntext\n`);
    // Both entries, old and new, are a blank line, the heading, then the text.
    const entries = fileOf('CLIver', 'memory.md').match(/(?<=\n)\n## \d{4}-\d\d-\d\d \d\d:\d\d — project\n[^\n]+\n/g);
    expect(entries).toHaveLength(2);
  });

  it('keeps the blank line before an entry when a hand-edited file lacks its final newline', async () => {
    mkdirSync(join(home, 'CLIver'));
    writeFileSync(join(home, 'CLIver', 'memory.md'), '# Memory: CLIver\n\nnotes');
    await memoryOf().appendMemory('text', { scope: 'agent' });
    expect(fileOf('CLIver', 'memory.md')).toBe('# Memory: CLIver\n\nnotes\n\n## 2026-11-26 09:15\ntext\n');
  });

  it('starts a new file with a title; the comment is optional and kept on one line', async () => {
    const memory = memoryOf('CLIver', 'Asia/Tokyo');
    await memory.appendMemory('  first  \n', { scope: 'agent' });
    await memory.appendMemory('second', { comment: 'two\nlines', scope: 'agent' });
    expect(fileOf('CLIver', 'memory.md')).toBe('# Memory: CLIver\n\n## 2026-11-26 18:15\nfirst\n\n## 2026-11-26 18:15 — two lines\nsecond\n');
  });

  it('keeps global and agent memory apart and reads global first', async () => {
    const memory = memoryOf();
    await memory.appendMemory('shared fact', { scope: 'global' });
    await memory.appendMemory('own fact', { scope: 'agent' });
    expect(fileOf('memory.md')).toBe('# Memory\n\n## 2026-11-26 09:15\nshared fact\n');
    expect(fileOf('CLIver', 'memory.md')).toContain('own fact');
    expect(fileOf('CLIver', 'memory.md')).not.toContain('shared fact');
    const combined = await memory.readMemory();
    expect(combined.indexOf('shared fact')).toBeLessThan(combined.indexOf('own fact'));
    expect(await memoryOf('Other').readMemory()).toBe('# Memory\n\n## 2026-11-26 09:15\nshared fact');
  });

  it('treats missing files as empty memory', async () => {
    const memory = memoryOf();
    expect(await memory.readMemory()).toBe('');
    expect(await memory.memoryPrompt()).toBe('');
  });

  it('rewrites one scope only, atomically, leaving no temporary file', async () => {
    cpSync(FIXTURE_HOME, home, { recursive: true });
    const memory = memoryOf();
    await memory.appendMemory('global note', { scope: 'global' });
    await memory.rewriteMemory('# Memory: CLIver\n\nCondensed.', 'agent');
    expect(fileOf('CLIver', 'memory.md')).toBe('# Memory: CLIver\n\nCondensed.\n');
    expect(fileOf('memory.md')).toContain('global note');
    expect(readdirSync(join(home, 'CLIver')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('loads the fixture memory unchanged into the prompt', async () => {
    cpSync(FIXTURE_HOME, home, { recursive: true });
    expect(await memoryOf().memoryPrompt()).toBe(`# Agent Memory\n\n${FIXTURE_MEMORY.trim()}`);
  });

  it('puts the LAST 3,000 characters of global then agent memory into the prompt', async () => {
    writeFileSync(join(home, 'memory.md'), `OLDEST${'g'.repeat(2000)}`);
    await memoryOf().rewriteMemory(`${'a'.repeat(2000)}NEWEST`, 'agent');
    const combined = await memoryOf().readMemory();
    const prompt = await memoryOf().memoryPrompt();
    expect(prompt.startsWith('# Agent Memory\n\n')).toBe(true);
    expect(prompt.endsWith(combined.slice(-MEMORY_PROMPT_MAX_CHARS))).toBe(true);
    expect(prompt).toContain('NEWEST');
    expect(prompt).not.toContain('OLDEST');
    expect(prompt.length).toBeLessThan(MEMORY_PROMPT_MAX_CHARS + 40);
  });

  it('lands every one of many concurrent appends, from several objects sharing the global file', async () => {
    const writers = [memoryOf('A'), memoryOf('B')];
    await Promise.all(Array.from({ length: 30 }, (_, i) => writers[i % 2]!.appendMemory(`entry ${i}`, { scope: 'global' })));
    const text = fileOf('memory.md');
    for (let i = 0; i < 30; i++) expect(text).toContain(`\nentry ${i}\n`);
    expect(text.match(/^## /gm)).toHaveLength(30);
  });

  it('refuses an empty entry, an unknown time zone and an agent name that is a path', async () => {
    await expect(memoryOf().appendMemory('  ', { scope: 'agent' })).rejects.toMatchObject({ field: 'content' });
    expect(() => memoryOf('CLIver', 'Mars/Olympus')).toThrow(AppError);
    expect(() => memoryOf('../x')).toThrow(/invalid agent name/);
  });
});
