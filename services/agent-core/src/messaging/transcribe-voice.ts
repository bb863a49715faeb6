import { readFile } from 'node:fs/promises';
import OpenAI, { toFile } from 'openai';
import type { Config } from '@cliver/common';
import { CallDeadline } from '../providers/call-deadline';
import { providerFetch } from '../providers/http-fetch';
import { providerErrorContext, toProviderError } from '../providers/provider-errors';
import type { Redact } from '../providers/secret-redactor';
import type { StoredAttachment } from '../store/inbound-repo';

/** The text of a voice note; rejects with an AppError when the provider cannot give one. */
export type TranscribeVoice = (voice: StoredAttachment, signal: AbortSignal) => Promise<string>;

/** The provider that transcribes voice notes, from config.yaml. */
export interface AudioProvider {
  /** The provider's key under `providers`. */
  provider: string;
  /** The SDK's baseURL: it appends `/audio/transcriptions` itself. */
  baseUrl: string;
  apiKey?: string;
  model: string;
}

// The model of the original's example (cliver-formats.md §2, `audio_model: whisper-1`), for a
// provider that names only its audio_url. The schema gives audio_model no default on purpose:
// a default there would make every provider look audio-capable.
const ORIGINAL_AUDIO_MODEL = 'whisper-1';

// Whisper picks the decoder by the file name's extension and refuses others: Telegram names its
// voice notes `.oga`, which is Ogg/Opus, accepted only as `.ogg`.
const ACCEPTED_EXTENSIONS = new Set(['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'ogg', 'wav', 'webm']);
const EXTENSION_OF_MIME: Record<string, string> = {
  'audio/ogg': 'ogg', 'audio/opus': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'audio/mp4': 'm4a', 'audio/x-m4a': 'm4a',
  'audio/aac': 'm4a', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/wave': 'wav', 'audio/webm': 'webm', 'audio/flac': 'flac',
};

function uploadName(voice: StoredAttachment): string {
  const dot = voice.fileName.lastIndexOf('.');
  const ext = dot > 0 ? voice.fileName.slice(dot + 1).toLowerCase() : '';
  const stem = dot > 0 ? voice.fileName.slice(0, dot) : voice.fileName;
  if (ACCEPTED_EXTENSIONS.has(ext)) return voice.fileName;
  return `${stem || 'voice'}.${EXTENSION_OF_MIME[voice.mimeType.toLowerCase()] ?? 'ogg'}`;
}

/** `audio_url` names the transcription endpoint; as the SDK's baseURL it must not end in the route. */
function baseUrlOf(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/audio\/transcriptions$/, '');
}

/** The first provider of config.yaml with `audio_url` or `audio_model`; undefined for none. */
export function findAudioProvider(config: Config): AudioProvider | undefined {
  for (const [provider, p] of Object.entries(config.providers)) {
    if (!p.audio_url && !p.audio_model) continue;
    // Anthropic has no transcription API: such a provider is audio-capable only through an audio_url of its own.
    if (!p.audio_url && p.type === 'anthropic') continue;
    return { provider, baseUrl: baseUrlOf(p.audio_url ?? p.api_url), apiKey: p.api_key, model: p.audio_model ?? ORIGINAL_AUDIO_MODEL };
  }
  return undefined;
}



/**
 * Transcribes through the provider's OpenAI-compatible `audio.transcriptions` API (Whisper),
 * with the same fetch, time limit and error wording as chat calls to providers.
 */
export function voiceTranscriber(audio: AudioProvider, opts: { timeoutMs: number; redact?: Redact }): TranscribeVoice {
  const ctx = providerErrorContext({ provider: audio.provider, apiUrl: audio.baseUrl, apiKey: audio.apiKey, timeoutMs: opts.timeoutMs, redact: opts.redact });
  const client = new OpenAI({ apiKey: audio.apiKey || 'not-needed', baseURL: audio.baseUrl, maxRetries: 0, timeout: opts.timeoutMs, logLevel: 'off', fetch: providerFetch });
  return async (voice, signal) => {
    // Read first: a missing file is our failure, not the provider's.
    const file = await toFile(await readFile(voice.path), uploadName(voice), { type: voice.mimeType });
    const deadline = new CallDeadline(signal, opts.timeoutMs);
    try {
      const result = await client.audio.transcriptions.create({ file, model: audio.model }, { signal: deadline.signal });
      return result.text.trim();
    } catch (err) {
      throw toProviderError(err, ctx, deadline.stopReason);
    } finally {
      deadline.dispose();
    }
  };
}
