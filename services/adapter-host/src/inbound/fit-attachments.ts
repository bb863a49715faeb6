import type { IncomingMessage } from '../platform';

import { MAX_ATTACHMENT_BYTES, MAX_MESSAGE_BYTES } from '@cliver/common';

// What one RecordInbound may carry: agent-core takes no file over MAX_ATTACHMENT_BYTES, and gRPC
// no message over MAX_MESSAGE_BYTES; 4 MB of that is left for the text and the envelope.
export const MAX_FILE_BYTES = MAX_ATTACHMENT_BYTES;
export const MAX_TOTAL_BYTES = MAX_MESSAGE_BYTES - 4 * 1024 * 1024;

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
