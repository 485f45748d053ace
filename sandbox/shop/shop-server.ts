import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { installShutdown, type ShutdownOptions } from './graceful-shutdown.ts';
import type { ServiceMetrics } from './metrics.ts';

export type RequestHandler = (
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
) => Promise<void>;

export interface ShopServerOptions {
  /** 127.0.0.1 on the host; 0.0.0.0 inside a pod's own network namespace. */
  host: string;
  port: number;
  /** Time spent initialising (as a real service loads caches and pools) before listening. */
  startupDelayMs?: number;
  metrics: ServiceMetrics;
  handle: RequestHandler;
  shutdown: ShutdownOptions;
}

// Serves /healthz, /readyz and /metrics itself and hands every other request to `handle`, timed and counted.
export async function startShopServer(options: ShopServerOptions): Promise<Server> {
  const server = createServer();
  const shutdown = installShutdown(server, options.shutdown);
  const { metrics } = options;

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') return sendText(response, 200, 'ok\n');
    if (path === '/readyz') {
      return shutdown.isShuttingDown()
        ? sendText(response, 503, 'shutting down\n')
        : sendText(response, 200, 'ready\n');
    }
    if (path === '/metrics') return void sendMetrics(response, metrics);
    recordWhenAnswered(response, metrics);
    options.handle(request, response, path).catch((error: unknown) => {
      process.stderr.write(`unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
      if (!response.headersSent) sendText(response, 500, 'internal error\n');
      else response.destroy();
    });
  });

  if (options.startupDelayMs) await sleep(options.startupDelayMs);
  await listen(server, options.host, options.port);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  process.stdout.write(`listening on http://${options.host}:${port}\n`);
  return server;
}

export function sendText(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
}

async function sendMetrics(response: ServerResponse, metrics: ServiceMetrics): Promise<void> {
  try {
    const body = await metrics.registry.metrics();
    response.writeHead(200, { 'content-type': metrics.registry.contentType });
    response.end(body);
  } catch (error) {
    sendText(response, 500, `metrics failed: ${String(error)}\n`);
  }
}

// A client that hangs up before the answer is counted as 499 (nginx's "client closed request").
function recordWhenAnswered(response: ServerResponse, metrics: ServiceMetrics): void {
  const started = performance.now();
  response.once('close', () => {
    const code = response.writableFinished ? String(response.statusCode) : '499';
    metrics.requests.inc({ service: metrics.service, code });
    metrics.duration.observe({ service: metrics.service }, (performance.now() - started) / 1000);
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
