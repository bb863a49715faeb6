import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@cliver/common';
import type { StoredAttachment } from '../store/inbound-repo';
import { messageInput } from './message-input';
import type { TranscribeVoice } from './transcribe-voice';

const dir = mkdtempSync(join(tmpdir(), 'cliver-input-'));
const signal = new AbortController().signal;

function stored(kind: StoredAttachment['kind'], fileName: string, mimeType: string, data = Buffer.from('abc')): StoredAttachment {
  const path = join(dir, fileName);
  writeFileSync(path, data);
  return { kind, fileName, mimeType, path, bytes: data.length };
}

describe('messageInput', () => {
  it('sends an image as an image part to a model that can see, and describes it by path to one that cannot', async () => {
    const image = stored('image', 'cat.png', 'image/png');
    expect(await messageInput('look', [image], { canSeeImages: true, signal })).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'look' }, { type: 'image_url', url: `data:image/png;base64,${Buffer.from('abc').toString('base64')}` }],
    });
    expect(await messageInput('look', [image], { canSeeImages: false, signal })).toEqual({
      role: 'user',
      content: `look\n\n[image received: cat.png (image/png, 3 bytes), saved at ${image.path}]`,
    });
  });

  it('offers other files by path', async () => {
    const doc = stored('file', 'report.pdf', 'application/pdf');
    const odd = stored('image', 'blob.bin', 'application/octet-stream');
    const input = await messageInput('', [doc, odd], { canSeeImages: true, signal });
    expect(input.content).toBe(
      `[file received: report.pdf (application/pdf, 3 bytes), saved at ${doc.path}]\n\n[image received: blob.bin (application/octet-stream, 3 bytes), saved at ${odd.path}]`,
    );
  });

  it('puts the transcript of a voice note before the text', async () => {
    const voice = stored('voice', 'v.ogg', 'audio/ogg');
    const transcribe: TranscribeVoice = async (v) => `words of ${v.fileName}`;
    const input = await messageInput('and this caption', [voice], { canSeeImages: false, transcribe, signal });
    expect(input.content).toBe('[voice message transcript] words of v.ogg\n\nand this caption');
  });

  it('offers a voice note by path, saying why, when there is no audio provider or transcription fails', async () => {
    const voice = stored('voice', 'v.ogg', 'audio/ogg');
    const none = await messageInput('', [voice], { canSeeImages: false, signal });
    expect(none.content).toBe(
      `[voice message received: v.ogg (audio/ogg, 3 bytes), saved at ${voice.path}; it could not be transcribed: no audio-capable provider is configured (audio_url / audio_model in config.yaml)]`,
    );
    const failures: string[] = [];
    const failing: TranscribeVoice = async () => {
      throw new AppError('unavailable', "provider 'oa' is unreachable: connection refused", { reason: 'provider_unreachable' });
    };
    const failed = await messageInput('hi', [voice], { canSeeImages: false, transcribe: failing, signal, onTranscriptionFailed: (_v, e) => void failures.push(e.reason!) });
    expect(failed.content).toBe(`hi\n\n[voice message received: v.ogg (audio/ogg, 3 bytes), saved at ${voice.path}; it could not be transcribed: provider 'oa' is unreachable: connection refused]`);
    expect(failures).toEqual(['provider_unreachable']);
  });

  it('does not go on without the voice note when the turn is stopped during transcription', async () => {
    const controller = new AbortController();
    const transcribe: TranscribeVoice = async () => {
      controller.abort();
      throw new AppError('unavailable', 'the request was cancelled', { reason: 'cancelled' });
    };
    await expect(messageInput('', [stored('voice', 'v.ogg', 'audio/ogg')], { canSeeImages: false, transcribe, signal: controller.signal })).rejects.toMatchObject({ reason: 'cancelled' });
  });
});
