// Container HEALTHCHECK without curl: asks the service's own readiness endpoint on loopback.
// Docker's "healthy" means "can serve" (Redis answers, read model loaded); Compose does not restart
// an unhealthy container, so this is a status, not a liveness probe. Every service serves
// /health/ready (and /health/live); the gateway also keeps the guide's /api/health.
'use strict';
const app = process.env.APP || 'api-gateway';
const port = process.env.PORT || { 'api-gateway': 8888, 'signal-generator': 9100, notifier: 9101, 'position-closer': 9102 }[app];
const path = process.env.HEALTH_PATH || '/health/ready';
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
