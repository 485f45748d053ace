// The catalog service: the product list the storefront shows. Usage: node catalog.ts --port N
import { readArgs, readServerOptions, serverOptions } from './cli-options.ts';
import { createServiceMetrics } from './metrics.ts';
import type { Product } from './product.ts';
import { sendText, startShopServer } from './shop-server.ts';

const usage = `usage: catalog.ts --port N [--host IPV4 (default 127.0.0.1)] [--startup-delay-ms N (default 0)]
  [--shutdown graceful|immediate (default graceful)]
  [--drain-delay-ms N (default 0)] [--shutdown-timeout-ms N (default 10000)]`;

const products: readonly Product[] = [
  { id: 'p-100', name: 'Chaos Monkey plush', priceCents: 1999 },
  { id: 'p-200', name: 'Blast radius mug', priceCents: 1250 },
  { id: 'p-300', name: 'Steady-state hoodie', priceCents: 4900 },
  { id: 'p-400', name: 'Game day sticker pack', priceCents: 499 },
];

const options = readServerOptions(readArgs(serverOptions, usage), usage);
const metrics = createServiceMetrics('catalog', ['200']);
const body = JSON.stringify({ products });

await startShopServer({
  ...options,
  metrics,
  handle: async (request, response, path) => {
    if (path !== '/' && path !== '/products') return sendText(response, 404, 'not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendText(response, 405, 'method not allowed\n');
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  },
});
