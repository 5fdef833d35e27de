// Container HEALTHCHECK without curl: asks the service's own health endpoint on loopback.
// The gateway serves /api/health (the ATAS guide's path); the workers serve /health.
'use strict';
const app = process.env.APP || 'api-gateway';
const port = process.env.PORT || { 'api-gateway': 8888, 'signal-generator': 9100, notifier: 9101, 'position-closer': 9102 }[app];
const path = process.env.HEALTH_PATH || (app === 'api-gateway' ? '/api/health' : '/health');
fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
