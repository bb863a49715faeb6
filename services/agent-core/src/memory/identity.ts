import { join } from 'node:path';
import { readTextOrEmpty } from './atomic-update';

/** How much of identity.md goes into the system text (cliver-formats.md §6). */
export const IDENTITY_PROMPT_MAX_CHARS = 1500;

/** The agent's `identity.md` as stored; '' when it does not exist. */
export function readIdentity(agentDir: string): Promise<string> {
  return readTextOrEmpty(join(agentDir, 'identity.md'));
}

/**
 * `# Identity Profile` and the first IDENTITY_PROMPT_MAX_CHARS characters of identity.md
 * (trimmed); '' when missing or blank. A cut is marked, as the original did, so the model
 * knows the profile goes on.
 */
export async function identityPrompt(agentDir: string): Promise<string> {
  const identity = (await readIdentity(agentDir)).trim();
  if (identity === '') return '';
  if (identity.length <= IDENTITY_PROMPT_MAX_CHARS) return `# Identity Profile\n\n${identity}`;
  let head = identity.slice(0, IDENTITY_PROMPT_MAX_CHARS);
  // Do not end with the first half of a split surrogate pair (emoji).
  if (/[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
  return `# Identity Profile\n\n${head}\n...(truncated)`;
}
