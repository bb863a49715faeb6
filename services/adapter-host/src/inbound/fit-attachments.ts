import type { IncomingMessage } from '../platform';

// What one RecordInbound may carry in files: gRPC refuses a message over 32 MB (common's limit),
// and agent-core one file over 20 MB; the rest of the budget is the text and the envelope.
export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 28 * 1024 * 1024;

/**
 * The message with the files that fit, in order, and a note in the text for each that did not,
 * so that one huge upload costs only itself: the words and the other files still reach the agent.
 */
export function fitAttachments(message: IncomingMessage): IncomingMessage {
  let total = 0;
  const kept: IncomingMessage['files'] = [];
  const notes: string[] = [];
  for (const file of message.files) {
    const size = file.data.byteLength;
    if (size > MAX_FILE_BYTES || total + size > MAX_TOTAL_BYTES) {
      notes.push(`[file "${file.fileName}" (${size} bytes) was too large to receive]`);
      continue;
    }
    total += size;
    kept.push(file);
  }
  if (!notes.length) return message;
  return { ...message, files: kept, text: [message.text, ...notes].filter(Boolean).join('\n') };
}
