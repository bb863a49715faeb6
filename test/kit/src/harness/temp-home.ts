import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadInternalKey } from '@cliver/common';
import { freePorts } from './free-port';

export interface GatewayPorts {
  http: number;
  agentCore: number;
  gatewayApi: number;
  adapterHost: number;
  scheduler: number;
}

export interface TempHome {
  /** $CLIVER_CONF_DIR for the processes under test. */
  dir: string;
  configFile: string;
  ports: GatewayPorts;
  url: string;
  /** Environment for a process that should use this home. */
  env: NodeJS.ProcessEnv;
  writeConfig(config: Record<string, unknown>): void;
  /**
   * The internal key the gateway's services share (made by the first of them to start), for a
   * test's own gRPC clients. Throws if no service has started in this home yet.
   */
  internalKey(agent?: string): string;
  remove(): void;
}

/**
 * A fresh CLIVER_CONF_DIR with a config.yaml whose ports are all free ones on 127.0.0.1, so
 * tests never collide with each other or with a gateway on the default ports.
 */
export async function makeTempHome(extra: { gateway?: Record<string, unknown>; top?: Record<string, unknown> } = {}): Promise<TempHome> {
  const dir = mkdtempSync(join(tmpdir(), 'cliver-home-'));
  const [http, agentCore, gatewayApi, adapterHost, scheduler] = await freePorts(5);
  const ports = { http: http!, agentCore: agentCore!, gatewayApi: gatewayApi!, adapterHost: adapterHost!, scheduler: scheduler! };
  const configFile = join(dir, 'config.yaml');
  const home: TempHome = {
    dir,
    configFile,
    ports,
    url: `http://127.0.0.1:${ports.http}`,
    env: { ...process.env, CLIVER_CONF_DIR: dir, HOME: dir },
    writeConfig(config) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(configFile, stringify(config));
    },
    internalKey(agent = 'CLIver') {
      const key = loadInternalKey({}, { agentDir: join(dir, agent) }, { create: false });
      if (!key) throw new Error(`no internal key in ${dir} for agent ${agent} yet: start a service of the gateway first`);
      return key.value;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  home.writeConfig({
    ...extra.top,
    gateway: {
      host: '127.0.0.1',
      port: ports.http,
      internal: {
        agent_core: `127.0.0.1:${ports.agentCore}`,
        gateway_api: `127.0.0.1:${ports.gatewayApi}`,
        adapter_host: `127.0.0.1:${ports.adapterHost}`,
        scheduler: `127.0.0.1:${ports.scheduler}`,
      },
      ...extra.gateway,
    },
  });
  return home;
}
