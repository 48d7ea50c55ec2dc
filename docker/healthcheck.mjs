// The container health check: GET a health endpoint of this container's buzzwatch process. The API serves it on
// PORT; a poller, scorer or alerter on HEALTH_PORT (the image sets 8081), so both are asked, HEALTH_PORT first.
// Usage: node docker/healthcheck.mjs [/healthz|/readyz]   (exit 0 healthy, 1 not)
const { fetch, AbortSignal } = globalThis;
const path = process.argv[2] ?? '/healthz';
const ports = [process.env.HEALTH_PORT, process.env.PORT ?? '8080'].filter((port) => port !== undefined && port !== '');

for (const port of ports) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4000) });
    process.exit(response.ok ? 0 : 1);
  } catch {
    // Nothing on this port (or no answer in time): try the next one.
  }
}
process.exit(1);
