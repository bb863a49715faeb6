import { countMessage, countMessages, countText, encodingForModel } from './token-counter';

describe('token counter', () => {
  it('counts more tokens for more text', () => {
    const short = countText('The quick brown fox.');
    const long = countText('The quick brown fox jumps over the lazy dog, again and again, all day long.');
    expect(short).toBeGreaterThan(0);
    expect(long).toBeGreaterThan(short);
    expect(countText('')).toBe(0);
  });

  it('uses o200k for gpt-4o, o-series, other vendors and unknown models; cl100k for older GPT names', () => {
    for (const model of ['gpt-4o', 'gpt-4o-mini', 'openai/gpt-4.1', 'o3-mini', 'claude-sonnet-4', 'llama3', undefined]) {
      expect(encodingForModel(model)).toBe('o200k_base');
    }
    for (const model of ['gpt-4', 'gpt-4-turbo', 'gpt-4-32k', 'gpt-3.5-turbo', 'azure/gpt-35-turbo']) {
      expect(encodingForModel(model)).toBe('cl100k_base');
    }
  });

  it('actually counts with the chosen encoding', () => {
    // o200k has far more non-Latin merges than cl100k, so this text takes fewer tokens with it.
    const text = 'नमस्ते दुनिया, आज मौसम बहुत अच्छा है और हम बाहर घूमने जा रहे हैं।';
    expect(countText(text, 'gpt-4o')).toBeLessThan(countText(text, 'gpt-4'));
    expect(countText(text, 'claude-sonnet-4')).toBe(countText(text, 'gpt-4o'));
  });

  it('counts long runs without spaces in bounded time and close to the exact count', () => {
    // Encoded whole, 20,000 'a's would take tens of seconds (quadratic byte-pair merge).
    const started = performance.now();
    expect(countText('a'.repeat(20_000))).toBeGreaterThan(1000);
    expect(performance.now() - started).toBeLessThan(5000);
    const url = `https://example.com/path?q=${'abc123'.repeat(20)}`;
    // 47 tokens when encoded whole; each of the four slice boundaries may add one.
    expect(countText(url)).toBeGreaterThanOrEqual(47);
    expect(countText(url)).toBeLessThanOrEqual(51);
  });

  it('treats special-token markers in user text as plain text', () => {
    expect(countText('<|endoftext|> and <|im_start|>')).toBeGreaterThan(2);
  });

  it('adds per-message framing and reply priming', () => {
    const text = 'hello there';
    expect(countMessage({ role: 'user', content: text })).toBe(countText(text) + 3);
    expect(countMessage({ role: 'user', content: text, name: 'bob' })).toBe(countText(text) + 3 + 1 + countText('bob'));
    expect(countMessages([{ role: 'user', content: text }, { role: 'assistant', content: text }])).toBe(2 * (countText(text) + 3) + 3);
    expect(countMessages([])).toBe(0);
  });
});
