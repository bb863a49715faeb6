import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '@cliver/common';
import { rejectedAppError, startFakeLlm, type FakeLlm } from '@cliver/testkit';
import type { StoredAttachment } from '../store/inbound-repo';
import { findAudioProvider, voiceTranscriber } from './transcribe-voice';

let fake: FakeLlm;
beforeAll(async () => {
  fake = await startFakeLlm();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

type Upload = { fields: Record<string, string>; files: Array<{ field: string; filename: string; contentType: string; size: number }> };

function voiceFile(fileName = 'file_12.oga', mimeType = 'audio/ogg'): StoredAttachment {
  const path = join(mkdtempSync(join(tmpdir(), 'cliver-voice-')), fileName);
  writeFileSync(path, Buffer.alloc(1234, 7));
  return { kind: 'voice', fileName, mimeType, path, bytes: 1234 };
}

const never = new AbortController().signal;

describe('findAudioProvider', () => {
  it('picks the first provider with audio_url or audio_model, its audio_url as the SDK base', () => {
    const config = Config.parse({
      providers: {
        chat: { type: 'anthropic', api_url: 'https://api.anthropic.com', audio_model: 'whisper-1', models: ['claude-x'] },
        local: { type: 'openai', api_url: 'http://127.0.0.1:1/v1', audio_url: 'http://127.0.0.1:2/v1/audio/transcriptions', api_key: 'k' },
      },
    });
    expect(findAudioProvider(config)).toEqual({ provider: 'local', baseUrl: 'http://127.0.0.1:2/v1', apiKey: 'k', model: 'whisper-1' });
  });

  it('uses api_url when only audio_model is set, and finds none when nobody is audio-capable', () => {
    const withModel = Config.parse({ providers: { oa: { type: 'openai', api_url: 'http://h/v1/', audio_model: 'gpt-4o-transcribe' } } });
    expect(findAudioProvider(withModel)).toMatchObject({ baseUrl: 'http://h/v1', model: 'gpt-4o-transcribe' });
    expect(findAudioProvider(Config.parse({ providers: { oa: { type: 'openai', api_url: 'http://h/v1' } } }))).toBeUndefined();
  });
});

describe('voiceTranscriber against the fake LLM', () => {
  const transcriber = () => voiceTranscriber({ provider: 'fake', baseUrl: fake.openaiBaseUrl, apiKey: 'sk-voice-secret-123', model: 'whisper-1' }, { timeoutMs: 5000 });

  it('uploads the voice note with the SDK and returns the transcript', async () => {
    fake.script({ match: { api: 'transcription' }, reply: { text: '  remind me to water the plants  ' } });
    await expect(transcriber()(voiceFile(), never)).resolves.toBe('remind me to water the plants');
    const sent = fake.requests.filter((r) => r.api === 'transcription');
    expect(sent).toHaveLength(1);
    const upload = sent[0]!.body as Upload;
    expect(upload.fields.model).toBe('whisper-1');
    // Telegram's .oga is renamed: Whisper decodes by extension and knows Ogg only as .ogg.
    expect(upload.files).toEqual([{ field: 'file', filename: 'file_12.ogg', contentType: 'audio/ogg', size: 1234 }]);
  });

  it('keeps a file name Whisper accepts as it is', async () => {
    await transcriber()(voiceFile('note.mp3', 'audio/mpeg'), never);
    expect((fake.requests[0]!.body as Upload).files[0]!.filename).toBe('note.mp3');
  });

  it('reports a provider failure as an AppError with the key masked', async () => {
    fake.script({ match: { api: 'transcription' }, reply: { error: { status: 400, message: 'bad audio for sk-voice-secret-123' } } });
    const err = await rejectedAppError(transcriber()(voiceFile(), never));
    expect(err).toMatchObject({ code: 'invalid_argument', reason: 'provider_bad_request' });
    expect(err.message).toContain("provider 'fake' rejected the request");
    expect(err.message).not.toContain('sk-voice-secret-123');
  });

  it('gives up within its time limit', async () => {
    fake.script({ match: { api: 'transcription' }, reply: { hang: true } });
    const slow = voiceTranscriber({ provider: 'fake', baseUrl: fake.openaiBaseUrl, apiKey: 'k', model: 'whisper-1' }, { timeoutMs: 200 });
    expect(await rejectedAppError(slow(voiceFile(), never))).toMatchObject({ code: 'deadline_exceeded', reason: 'provider_timeout' });
  });
});
