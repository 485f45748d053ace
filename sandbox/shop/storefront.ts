// The storefront: the page a user loads. GET / always calls the catalog (through Toxiproxy in the sandbox).
// Usage: node storefront.ts --port N --catalog URL --mode resilient|fragile [--service NAME] ...
import { createCircuitBreaker } from './circuit-breaker.ts';
import {
  failUsage,
  parseIntegerOption,
  parseUrlOption,
  readArgs,
  readServerOptions,
  serverOptions,
} from './cli-options.ts';
import { createFragileLoader, createResilientLoader, type LoadProducts } from './load-products.ts';
import { createCatalogCallMetrics, createServiceMetrics } from './metrics.ts';
import { sendPage } from './render-page.ts';
import { sendText, startShopServer } from './shop-server.ts';

const usage = `usage: storefront.ts --port N --catalog URL --mode resilient|fragile
  [--service NAME (default storefront)] [--catalog-timeout-ms N (default 250, resilient only)]
  [--host IPV4 (default 127.0.0.1)] [--startup-delay-ms N (default 0)]
  [--shutdown graceful|immediate (default graceful)]
  [--drain-delay-ms N (default 0)] [--shutdown-timeout-ms N (default 10000)]`;

const breakerFailureThreshold = 5;
const breakerOpenMs = 2000;

function readOptions() {
  const values = readArgs(
    {
      ...serverOptions,
      catalog: { type: 'string' },
      mode: { type: 'string' },
      service: { type: 'string' },
      'catalog-timeout-ms': { type: 'string' },
    },
    usage,
  );
  const mode = values.mode;
  if (mode !== 'resilient' && mode !== 'fragile') failUsage('--mode must be resilient or fragile', usage);
  const service = values.service ?? 'storefront';
  if (!/^[\w.-]+$/.test(service)) failUsage('--service must be a non-empty [A-Za-z0-9_.-] name', usage);
  return {
    ...readServerOptions(values, usage),
    catalogUrl: parseUrlOption('catalog', values.catalog, usage),
    mode,
    service,
    catalogTimeoutMs: parseIntegerOption('catalog-timeout-ms', values['catalog-timeout-ms'], 250, usage, {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
    }),
  };
}

const options = readOptions();
const productsUrl = new URL('/products', options.catalogUrl);
const metrics = createServiceMetrics(options.service, ['200', '502']);
let loadProducts: LoadProducts;
if (options.mode === 'resilient') {
  const breaker = createCircuitBreaker({
    failureThreshold: breakerFailureThreshold,
    openMs: breakerOpenMs,
    now: () => performance.now(),
  });
  const callMetrics = createCatalogCallMetrics(metrics, () => breaker.state() !== 'closed');
  loadProducts = createResilientLoader({
    productsUrl,
    timeoutMs: options.catalogTimeoutMs,
    breaker,
    metrics: callMetrics,
  });
} else {
  loadProducts = createFragileLoader(
    productsUrl,
    createCatalogCallMetrics(metrics, () => false),
  );
}

await startShopServer({
  host: options.host,
  port: options.port,
  startupDelayMs: options.startupDelayMs,
  shutdown: options.shutdown,
  metrics,
  handle: async (request, response, path) => {
    if (path !== '/') return sendText(response, 404, 'not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return sendText(response, 405, 'method not allowed\n');
    sendPage(request, response, await loadProducts());
  },
});
