import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from '@cliver/common';
import type { HealthDeps } from '../status/gateway-health';
import { errorHandler, notFound } from './error-handler';
import { healthRoutes } from './routes/health';
import { isV1Path, v1Handler } from './v1/handler';
import type { AgentLink } from './v1/routes';

export interface AppDeps {
  log: Logger;
  health: HealthDeps;
  core: AgentLink;
  apiKey: string | undefined;
  trustedProxies: string[];
}

/** Everything but /v1: pages and JSON for people and probes, behind helmet's headers. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustedProxies);
  app.use(helmet());
  app.use(healthRoutes(deps.health));
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}

/** The HTTP server's listener: /v1 to the OpenAI-compatible handler, the rest to Express. */
export function requestListener(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const v1 = v1Handler(deps);
  const app = createApp(deps);
  return (req, res) => (isV1Path(req.url) ? v1(req, res) : app(req, res));
}
