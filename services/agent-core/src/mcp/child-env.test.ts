import { childEnv } from './child-env';

test('passes only PATH, HOME, LANG and TZ from the host, then the server env on top', () => {
  const host = { PATH: '/bin', HOME: '/nonexistent/u', LANG: 'C.UTF-8', TZ: 'UTC', OPENAI_API_KEY: 'sk-secret', USER: 'u' };
  expect(childEnv(host, { TZ: 'Europe/Berlin', TOKEN: 'for-the-server' })).toEqual({
    PATH: '/bin',
    HOME: '/nonexistent/u',
    LANG: 'C.UTF-8',
    TZ: 'Europe/Berlin',
    TOKEN: 'for-the-server',
  });
});

test('skips unset variables and exported shell functions', () => {
  expect(childEnv({ PATH: '() { evil; }' })).toEqual({});
});
