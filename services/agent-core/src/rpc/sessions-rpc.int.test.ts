import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentCoreClients, call, closeClients, createLogger, startGrpcServer, type AgentCoreClients, type RunningGrpcServer } from '@cliver/common';
import { rejectedAppError } from '@cliver/testkit';
import { openStore } from '../store/db';
import { SessionRepo, type Db, type SessionSource } from '../sessions/session-repo';
import { sessionsRpc } from './sessions-rpc';

// ListSessions over real gRPC, against a real store: 3 CLI sessions and 130 others.
const log = createLogger({ service: 'test', level: 'silent' });
const KEY = 'i'.repeat(43);
const T0 = Date.parse('2026-11-26T13:00:00.000Z');

let db: Db;
let server: RunningGrpcServer;
let clients: AgentCoreClients;

beforeAll(async () => {
  ({ db } = openStore(join(mkdtempSync(join(tmpdir(), 'cliver-sessions-rpc-')), 'gateway.db')));
  const repo = new SessionRepo(db);
  const sources: SessionSource[] = [...Array<SessionSource>(3).fill('cli'), ...Array<SessionSource>(130).fill('api')];
  sources.forEach((source, i) => repo.create({ source, title: `s${i}` }, new Date(T0 + i * 1000)));
  server = await startGrpcServer('127.0.0.1:0', [sessionsRpc(log, repo)], log, { internalKey: KEY });
  clients = agentCoreClients(`127.0.0.1:${server.port}`, KEY);
});

afterAll(async () => {
  closeClients(clients);
  await server.close(100);
  db.close();
});

const list = (limit: number, offset = 0, source = '') => call(clients.sessions, clients.sessions.listSessions, { source, limit, offset });

test('total is the number of sessions for the source, not the size of the page', async () => {
  const firstPage = await list(10);
  expect({ page: firstPage.sessions.length, total: firstPage.total }).toEqual({ page: 10, total: 133 });
  expect(firstPage.sessions[0]?.title).toBe('s132'); // newest first
  const lastPage = await list(10, 130);
  expect({ page: lastPage.sessions.length, total: lastPage.total }).toEqual({ page: 3, total: 133 });
  expect((await list(10, 0, 'cli')).total).toBe(3);
  expect((await list(10, 0, 'gateway')).total).toBe(130);
  expect(await list(10, 500)).toEqual({ sessions: [], total: 133 });
});

test('limit 0 means a page of 100, and 500 is allowed', async () => {
  expect((await list(0)).sessions).toHaveLength(100);
  expect((await list(500)).sessions).toHaveLength(133);
});

test('a negative limit or one above 500 is refused naming `limit`, instead of listing everything', async () => {
  for (const limit of [-1, 501]) {
    const err = await rejectedAppError(list(limit));
    expect({ code: err.code, field: err.field, message: err.message }).toEqual({
      code: 'invalid_argument',
      field: 'limit',
      message: `limit must be from 1 to 500 (0 for 100), got ${limit}`,
    });
  }
});

test('a negative offset is refused naming `offset`', async () => {
  const err = await rejectedAppError(list(10, -5));
  expect({ code: err.code, field: err.field, message: err.message }).toEqual({ code: 'invalid_argument', field: 'offset', message: 'offset must be 0 or more, got -5' });
});
