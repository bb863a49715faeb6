import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from '@cliver/common';
import type { HealthDeps } from '../status/gateway-health';
import { errorHandler, notFound } from './error-handler';
import { requireApiKey } from './middleware/api-key';
import { healthRoutes } from './routes/health';
import { v1Routes, type AgentLink } from './routes/v1';
import { v1ErrorHandler } from './v1-error-handler';

// Large enough for images sent inline as data URLs; larger bodies get 413.
const V1_BODY_LIMIT = '20mb';
const AUTH_FAILURES = { windowMs: 60_000, limit: 20 };

export interface AppDeps {
  log: Logger;
  health: HealthDeps;
  core: AgentLink;
  apiKey: string | undefined;
  trustedProxies: string[];
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', deps.trustedProxies);
  // /v1 answers JSON and SSE only, so it skips helmet (its headers guard HTML pages) and sets
  // nosniff itself. Keys are checked before bodies are parsed: an unauthenticated client costs
  // no JSON parsing.
  app.use(
    '/v1',
    requireApiKey(deps.apiKey, AUTH_FAILURES),
    express.json({ limit: V1_BODY_LIMIT, strict: false }),
    v1Routes(deps.core),
    v1ErrorHandler(deps.log),
  );
  app.use(helmet());
  app.use(healthRoutes(deps.health));
  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
