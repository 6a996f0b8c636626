// Container health check for every Lienthong app (Dockerfile HEALTHCHECK; the slim image has
// no curl). Exit 0 when the app answers 2xx on HEALTHCHECK_PATH (default /health/ready) at
// 127.0.0.1:HEALTHCHECK_PORT (default PORT, else 8080); the router sets HEALTHCHECK_PORT to its
// ROUTER_PORT. Kubernetes ignores this and uses its own probes.
const port = process.env.HEALTHCHECK_PORT || process.env.PORT || '8080';
const path = process.env.HEALTHCHECK_PATH || '/health/ready';
try {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_500) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
