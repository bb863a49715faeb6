import { readFile } from 'node:fs/promises';
import { AppError } from '@cliver/common';
import type { ContentPart, ChatMessage } from '../agent/messages';
import type { StoredAttachment } from '../store/inbound-repo';
import type { TranscribeVoice } from './transcribe-voice';

// Images above this are offered by path instead of inline: a provider refuses huge data URLs.
const MAX_INLINE_IMAGE_BYTES = 8 * 1024 * 1024;

export interface MessageInputOptions {
  canSeeImages: boolean;
  /** Absent when no provider is audio-capable: voice notes are then offered by path. */
  transcribe?: TranscribeVoice;
  signal: AbortSignal;
  /** Told why a voice note was not transcribed (the turn goes on without it). */
  onTranscriptionFailed?: (voice: StoredAttachment, err: AppError) => void;
}

function describe(a: StoredAttachment, note = ''): string {
  const what = a.kind === 'voice' ? 'voice message' : a.kind === 'image' ? 'image' : 'file';
  return `[${what} received: ${a.fileName} (${a.mimeType}, ${a.bytes} bytes), saved at ${a.path}${note}]`;
}

// Providers accept data URLs of image types only; an image a platform sent as octet-stream is a file.
function isInlineImage(a: StoredAttachment, canSeeImages: boolean): boolean {
  return a.kind === 'image' && canSeeImages && a.mimeType.startsWith('image/') && a.bytes <= MAX_INLINE_IMAGE_BYTES;
}

const NO_AUDIO_PROVIDER = '; it could not be transcribed: no audio-capable provider is configured (audio_url / audio_model in config.yaml)';

/** The voice note as text for the model: its transcript, or a note with its path when there is none. */
async function voiceText(a: StoredAttachment, o: MessageInputOptions): Promise<{ transcript?: string; note?: string }> {
  if (!o.transcribe) return { note: describe(a, NO_AUDIO_PROVIDER) };
  try {
    const text = await o.transcribe(a, o.signal);
    if (text) return { transcript: `[voice message transcript] ${text}` };
    return { note: describe(a, '; it could not be transcribed: the transcript was empty') };
  } catch (err) {
    // A stopped turn is requeued and tried again; it must not go on without its voice note.
    if (o.signal.aborted) throw err;
    const e = AppError.from(err);
    o.onTranscriptionFailed?.(a, e);
    return { note: describe(a, `; it could not be transcribed: ${e.code === 'internal' ? 'an internal error' : e.message}`) };
  }
}

/**
 * The user message of an IM turn: voice transcripts before the text (gateway.md, "Voice Message
 * Transcription"), images as image parts when the model can see, and every other file offered by
 * its path on the data volume (the agent's tools can open it).
 */
export async function messageInput(text: string, attachments: readonly StoredAttachment[], o: MessageInputOptions): Promise<ChatMessage> {
  const transcripts: string[] = [];
  const notes: string[] = [];
  const images: ContentPart[] = [];
  for (const a of attachments) {
    if (a.kind === 'voice') {
      const v = await voiceText(a, o);
      if (v.transcript) transcripts.push(v.transcript);
      if (v.note) notes.push(v.note);
    } else if (isInlineImage(a, o.canSeeImages)) {
      const data = await readFile(a.path);
      images.push({ type: 'image_url', url: `data:${a.mimeType};base64,${data.toString('base64')}` });
    } else {
      notes.push(describe(a));
    }
  }
  const body = [...transcripts, text, ...notes].filter(Boolean).join('\n\n');
  if (!images.length) return { role: 'user', content: body };
  return { role: 'user', content: [...(body ? [{ type: 'text' as const, text: body }] : []), ...images] };
}
