import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from '@cliver/common';
import { loadAdapter } from './load-adapter';
import { TelegramAdapter } from './telegram/telegram-adapter';

// A custom adapter is a module next to config.yaml (or a package): loaded, built and checked
// against the contract before it starts, with an error that says what to fix.
const dir = mkdtempSync(join(tmpdir(), 'cliver-adapter-'));
const platform = (type: string): Platform => ({ type, token: 't', allowed_users: [], require_mention: false }) as unknown as Platform;

function write(name: string, body: string): string {
  writeFileSync(join(dir, name), body);
  return `./${name}`;
}

const COMPLETE = `
  start: async () => {}, stop: async () => {}, render: (md) => [{ text: md }],
  sendChunk: async () => '1', sendFile: async () => '2', sendTyping: async () => {}, typingIntervalMs: 5000,`;

describe('loadAdapter', () => {
  it('builds the built-in adapters by type', () => {
    expect(loadAdapter('tg', platform('telegram'), dir)).toBeInstanceOf(TelegramAdapter);
  });

  it('loads a factory export (createAdapter), giving it the platform config', () => {
    const type = write('factory.js', `exports.createAdapter = (config) => ({ ${COMPLETE} token: config.token });`);
    const adapter = loadAdapter('mine', platform(type), dir) as unknown as { token: string; render(md: string): unknown };
    expect(adapter.token).toBe('t');
    expect(adapter.render('hi')).toEqual([{ text: 'hi' }]);
  });

  it('loads a default-exported class', () => {
    const type = write('klass.js', `module.exports.default = class { constructor(config) { Object.assign(this, { ${COMPLETE} }); } };`);
    expect(typeof loadAdapter('mine', platform(type), dir).sendChunk).toBe('function');
  });

  it('names every member a module lacks', () => {
    const type = write('partial.js', `exports.createAdapter = () => ({ start: async () => {}, stop: async () => {}, render: () => [] });`);
    expect(() => loadAdapter('mine', platform(type), dir)).toThrow(
      `gateway.platforms.mine: the adapter in ${join(dir, 'partial.js')} does not implement the adapter contract: missing sendChunk, sendFile, sendTyping, typingIntervalMs`,
    );
  });

  it('says which module could not be loaded, and why', () => {
    expect(() => loadAdapter('mine', platform('./missing.js'), dir)).toThrow(new RegExp(`^gateway\\.platforms\\.mine: cannot load the adapter module ${join(dir, 'missing.js').replace(/[.]/g, '\\.')}: Cannot find module`));
    const type = write('throws.js', `throw new Error('boom at load');`);
    expect(() => loadAdapter('mine', platform(type), dir)).toThrow(/cannot load the adapter module .*throws\.js: boom at load/);
  });

  it('refuses a module that exports no factory or class, and a factory that throws', () => {
    const none = write('none.js', `module.exports = 42;`);
    expect(() => loadAdapter('mine', platform(none), dir)).toThrow(/must export createAdapter\(config\) or a default class\/factory/);
    const bad = write('bad.js', `exports.createAdapter = () => { throw new Error('no token'); };`);
    expect(() => loadAdapter('mine', platform(bad), dir)).toThrow(/failed to construct: no token/);
  });

  it('names the built-in types for a type this version does not connect', () => {
    expect(() => loadAdapter('sl', platform('slack'), dir)).toThrow(/type "slack" is not available in this version \(built in: telegram, discord; or a JS module path such as \.\/my-adapter\.js\)/);
  });
});
