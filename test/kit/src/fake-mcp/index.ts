export { createFakeMcpServer, FAKE_MCP_NAME, CRASH_EXIT_CODE, type FakeMcpServerOptions } from './server';
export { startFakeMcpHttp, type FakeMcpHttp, type FakeMcpHttpOptions } from './http-server';
export { fakeMcpCommand, type FakeMcpCommand } from './entry-points';
