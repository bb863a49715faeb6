import { createServer } from 'node:http';
import {
  announceReady,
  AppError,
  adapterHostClients,
  agentCoreClients,
  bootService,
  ChatMuxClient,
  closeClients,
  EXIT,
  handleShutdown,
  internalAddress,
  serviceInfoService,
  ServiceRole,
  startGrpcServer,
  VERSION,
} from '@cliver/common';
import { requestListener } from './http/app';
import { assertSafeBind } from './http/bind-guard';

async function main(): Promise<void> {
  const ctx = bootService('gateway-api', process.argv.slice(2), process.env);
  const { log, config, identity } = ctx;
  const { host, port, api_key: apiKey } = config.gateway;
  try {
    assertSafeBind(host, apiKey);
  } catch (err) {
    const e = AppError.from(err);
    log.fatal({ host, reason: e.reason }, e.message);
    log.flush();
    process.stderr.write(`gateway-api: ${e.message}\n`);
    process.exit(EXIT.CONFIG);
  }

  const core = agentCoreClients(internalAddress(config, 'agent-core'), ctx.internalKey);
  const adapterHost = adapterHostClients(internalAddress(config, 'adapter-host'), ctx.internalKey);
  const mux = new ChatMuxClient(core.agent);
  const listener = requestListener({
    log,
    core: { clients: core, mux },
    apiKey,
    trustedProxies: config.gateway.trusted_proxies,
    health: { core, adapterHost, platformNames: Object.keys(config.gateway.platforms), now: Date.now },
  });
  await ctx.startGate();
  const http = createServer(listener);
  // Slow-loris and idle-socket bounds for a public listener.
  http.headersTimeout = 20_000;
  http.requestTimeout = 0; // streams may run long; per-route limits apply instead
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, resolve);
  }).catch((err: NodeJS.ErrnoException) => {
    log.fatal({ err, host, port }, 'cannot listen');
    process.stderr.write(`gateway-api: cannot listen on ${host}:${port}: ${err.code ?? err.message}\n`);
    process.exit(EXIT.FAILED);
  });

  const grpc = await startGrpcServer(ctx.listen, [
    serviceInfoService(log, () => ({
      service: 'gateway-api',
      host: identity.host,
      pid: identity.pid,
      startedAtMs: ctx.startedAtMs,
      version: VERSION,
      role: ServiceRole.SERVICE_ROLE_SINGLE,
      leaseToken: 0,
      agent: ctx.paths.agent,
    })),
  ], log, { internalKey: ctx.internalKey });
  announceReady();
  log.info({ url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, listen: ctx.listen, grpcPort: grpc.port }, 'gateway-api ready');

  handleShutdown({
    log,
    watchParent: ctx.supervised,
    steps: [
      {
        name: 'stop HTTP',
        run: () =>
          new Promise<void>((resolve) => {
            http.close(() => resolve());
            http.closeIdleConnections();
            setTimeout(() => http.closeAllConnections(), 5000).unref();
          }),
      },
      { name: 'stop gRPC', run: () => grpc.close(2000) },
      { name: 'close clients', run: () => (mux.close(), closeClients(core), closeClients(adapterHost)) },
    ],
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway-api failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(EXIT.FAILED);
});
