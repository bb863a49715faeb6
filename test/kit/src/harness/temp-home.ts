import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
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
