import { Router } from 'express';
import { gatewayHealth, type HealthDeps } from '../../status/gateway-health';

export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const body = await gatewayHealth(deps);
    res.status(body.status === 'ok' ? 200 : 503).set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
