import { z } from 'zod';
import { AppError } from '@cliver/common';
import { defineTool, type Tool } from '../tools/tool';
import type { AgentMemory } from './memory-file';

// Extra keys are harmless here: there is nothing they could be mistaken for.
const MemoryReadInput = z.object({});

// Strict: a misspelt `scope` or `mode` must be refused, not silently written with the default.
const MemoryWriteInput = z.strictObject({
  content: z.string(),
  comment: z.string().optional(),
  mode: z.enum(['append', 'rewrite']).default('append'),
  scope: z.enum(['agent', 'global']).default('agent'),
});

/** `MemoryRead`: the global and agent memory as one text. */
export function memoryReadTool(memory: AgentMemory): Tool {
  return defineTool({
    name: 'MemoryRead',
    description: 'Read your persistent memory: global notes shared by all agents, then your own.',
    input: MemoryReadInput,
    run: async () => (await memory.readMemory()) || '(memory is empty)',
  });
}

/** `MemoryWrite`: append an entry to, or rewrite, the agent's or the global memory. */
export function memoryWriteTool(memory: AgentMemory): Tool {
  return defineTool({
    name: 'MemoryWrite',
    description:
      'Save something worth remembering across conversations (user preferences, facts about projects). ' +
      "mode 'append' (default) adds a timestamped entry; 'rewrite' replaces the whole memory with content, " +
      "for condensing or correcting it. scope 'agent' (default) is your own memory; 'global' is shared by all agents.",
    input: MemoryWriteInput,
    run: async ({ content, comment, mode, scope }) => {
      if (mode === 'rewrite') {
        await memory.rewriteMemory(content, scope);
        return `Rewrote ${scope} memory (${content.trim().length} characters).`;
      }
      if (content.trim() === '') {
        throw new AppError('invalid_argument', 'invalid arguments for MemoryWrite: content: must not be empty when appending', {
          field: 'content',
          reason: 'invalid_tool_arguments',
        });
      }
      await memory.appendMemory(content, { comment, scope });
      return `Appended an entry to ${scope} memory.`;
    },
  });
}

/** Both memory tools, for the tool list of a turn. */
export function memoryTools(memory: AgentMemory): Tool[] {
  return [memoryReadTool(memory), memoryWriteTool(memory)];
}
