import { MAX_TOOL_NAME_LENGTH, mcpToolName } from './tool-name';

test('joins server and tool with two underscores', () => {
  expect(mcpToolName('fs', 'read_file')).toBe('fs__read_file');
});

test('replaces characters the providers refuse', () => {
  expect(mcpToolName('my.server', 'get data/v2')).toBe('my_server__get_data_v2');
});

test('cuts long names to the limit and keeps them distinct with a hash', () => {
  const long = 'x'.repeat(80);
  const a = mcpToolName('server', `${long}a`);
  const b = mcpToolName('server', `${long}b`);
  expect(a).toHaveLength(MAX_TOOL_NAME_LENGTH);
  expect(a).toMatch(/^server__x+_[0-9a-f]{8}$/);
  expect(a).not.toBe(b);
});
