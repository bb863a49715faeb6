import { readFile } from 'node:fs/promises';
import type { ContentPart, ChatMessage } from '../agent/messages';
import type { StoredAttachment } from '../store/inbound-repo';

// Images above this are offered by path instead of inline: a provider refuses huge data URLs.
const MAX_INLINE_IMAGE_BYTES = 8 * 1024 * 1024;

function describe(a: StoredAttachment): string {
  const what = a.kind === 'voice' ? 'voice message' : a.kind === 'image' ? 'image' : 'file';
  return `[${what} received: ${a.fileName} (${a.mimeType}, ${a.bytes} bytes), saved at ${a.path}]`;
}

/**
 * The user message of an IM turn: the text, images as image parts when the model can see, and
 * every other file offered by its path on the data volume (the agent's tools can open it).
 */
export async function messageInput(text: string, attachments: readonly StoredAttachment[], canSeeImages: boolean): Promise<ChatMessage> {
  const notes: string[] = [];
  const images: ContentPart[] = [];
  for (const a of attachments) {
    if (a.kind === 'image' && canSeeImages && a.bytes <= MAX_INLINE_IMAGE_BYTES) {
      const data = await readFile(a.path);
      images.push({ type: 'image_url', url: `data:${a.mimeType};base64,${data.toString('base64')}` });
    } else {
      notes.push(describe(a));
    }
  }
  const body = [text, ...notes].filter(Boolean).join('\n\n');
  if (!images.length) return { role: 'user', content: body };
  return { role: 'user', content: [...(body ? [{ type: 'text' as const, text: body }] : []), ...images] };
}
