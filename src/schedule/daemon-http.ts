// The daemon's HTTP endpoints: /metrics for Prometheus, /healthz for liveness (the process and
// its Lease loop are alive), /readyz for readiness (503 once shutting down, as in seed 002).
import { createServer, type Server } from 'node:http';

export type ListenAddress = { host: string; port: number };

export type DaemonHttp = { address: ListenAddress; close(): Promise<void> };

// "127.0.0.1:9464", "0.0.0.0:9464", "[::1]:9464"; port 0 picks a free one.
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  if (port > 65_535) return undefined;
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

export function startDaemonHttp(options: {
  listen: ListenAddress;
  metrics: () => Promise<{ contentType: string; body: string }>;
  isHealthy: () => boolean;
  isReady: () => boolean;
}): Promise<DaemonHttp> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const text = (status: number, body: string) =>
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    switch (path) {
      case '/metrics':
        options.metrics().then(
          ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
          (error: Error) => text(500, `cannot render the metrics: ${error.message}\n`),
        );
        return;
      case '/healthz':
        if (options.isHealthy()) text(200, 'ok\n');
        else text(503, 'the Lease loop has stalled\n');
        return;
      case '/readyz':
        if (options.isReady()) text(200, 'ready\n');
        else text(503, 'not ready (starting or shutting down)\n');
        return;
      default:
        text(404, 'not found: try /metrics, /healthz or /readyz\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.listen.port;
      resolve({
        address: { host: options.listen.host, port },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
