// Starts the real sample services as child processes and talks HTTP to them.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import test from 'ava';

const shopDir = fileURLToPath(new URL('../../../sandbox/shop/', import.meta.url));
const slowUpstreamDelayMs = 800;

interface RunningService {
  url: string;
  port: number;
  child: ChildProcess;
  exitCode: Promise<number | null>;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

interface FakeCatalog {
  url: string;
  /** Resolves when the next request arrives (before the delayed answer). */
  nextRequest(): Promise<void>;
  /** 200 answers a product list; anything else answers that status with no products. */
  setStatus(status: number): void;
  close(): void;
}

const children: ChildProcess[] = [];
const fakeCatalogs: FakeCatalog[] = [];

// Listening on port 0 lets the kernel pick a free port; it is released again for the service to bind.
async function findFreePort(): Promise<number> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

// The port found free may be taken again (by any outgoing connection) before the service binds it: retry.
async function startService(script: 'catalog.ts' | 'storefront.ts', args: string[]): Promise<RunningService> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startServiceOnPort(script, args, await findFreePort());
    } catch (error) {
      if (attempt === 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startServiceOnPort(
  script: 'catalog.ts' | 'storefront.ts',
  args: string[],
  chosenPort: number,
): Promise<RunningService> {
  const child = spawn(process.execPath, [`${shopDir}${script}`, '--port', String(chosenPort), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exitCode = once(child, 'exit').then(([code]) => code as number | null);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const expectedLine = `listening on http://127.0.0.1:${chosenPort}\n`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 15 s: ${stderr}`)), 15_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(expectedLine)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exitCode.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before listening: ${stderr}`));
    });
  });
  return { url: `http://127.0.0.1:${chosenPort}`, port: chosenPort, child, exitCode };
}

function startStorefront(mode: 'resilient' | 'fragile', catalogUrl: string, extra: string[] = []) {
  const service = mode === 'resilient' ? 'storefront' : 'fragile-storefront';
  return startService('storefront.ts', [
    '--mode',
    mode,
    '--service',
    service,
    '--catalog',
    catalogUrl,
    ...extra,
  ]);
}

// An in-test stand-in for the catalog, answering after `delayMs` with the status set last.
async function startFakeCatalog(delayMs: number): Promise<FakeCatalog> {
  const waiters: Array<() => void> = [];
  let status = 200;
  const server = http.createServer((_request, response) => {
    for (const wake of waiters.splice(0)) wake();
    setTimeout(() => {
      response.writeHead(status, { 'content-type': 'application/json' });
      const products = status === 200 ? [{ id: 'fake-1', name: 'Slow product', priceCents: 100 }] : undefined;
      response.end(JSON.stringify({ products }));
    }, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const upstream = {
    url: `http://127.0.0.1:${port}`,
    nextRequest: () => new Promise<void>((resolve) => waiters.push(resolve)),
    setStatus: (next: number) => {
      status = next;
    },
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
  fakeCatalogs.push(upstream);
  return upstream;
}

function get(url: string, options: { accept?: string; agent?: http.Agent } = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers = options.accept === undefined ? {} : { accept: options.accept };
    const request = http.get(url, { headers, agent: options.agent ?? false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body,
          ms: performance.now() - started,
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

// The value of the sample `name{labels}` in a Prometheus text exposition, undefined when absent.
function readMetric(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{([^}]*)\} (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const sameLabels =
      Object.keys(found).length === Object.keys(labels).length &&
      Object.entries(labels).every(([key, value]) => found[key] === value);
    if (sameLabels) return Number(match[3]);
  }
  return undefined;
}

async function scrape(service: RunningService): Promise<string> {
  const answer = await get(`${service.url}/metrics`);
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`);
  return answer.body;
}

async function pollUntilStatus(url: string, status: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let last = 0;
  while (performance.now() < deadline) {
    last = (await get(url)).status;
    if (last === status) return last;
    await sleep(10);
  }
  return last;
}

// SIGTERM while a request waits on the (slow) catalog: the exit code, how long exiting took, the request.
async function sigtermWithRequestInFlight(storefront: RunningService, upstream: FakeCatalog) {
  const arrived = upstream.nextRequest();
  const inFlight = get(`${storefront.url}/`);
  inFlight.catch(() => {}); // awaited by the caller; this only keeps an early failed assertion from adding an unhandled rejection
  await arrived;
  const signalledAt = performance.now();
  storefront.child.kill('SIGTERM');
  const exitCode = await storefront.exitCode;
  return { exitCode, exitMs: performance.now() - signalledAt, inFlight };
}

const catalogProducts = [
  'Chaos Monkey plush',
  'Blast radius mug',
  'Steady-state hoodie',
  'Game day sticker pack',
] as const;

let catalog: RunningService;
let resilient: RunningService;
let fragile: RunningService;
let resilientNoCatalog: RunningService;
let fragileNoCatalog: RunningService;
let resilientSlow: RunningService;
let fragileSlow: RunningService;

test.before(async () => {
  catalog = await startService('catalog.ts', []);
  const deadUrl = `http://127.0.0.1:${await findFreePort()}`;
  const slow = await startFakeCatalog(slowUpstreamDelayMs);
  [resilient, fragile, resilientNoCatalog, fragileNoCatalog, resilientSlow, fragileSlow] = await Promise.all([
    startStorefront('resilient', catalog.url),
    startStorefront('fragile', catalog.url),
    startStorefront('resilient', deadUrl),
    startStorefront('fragile', deadUrl),
    startStorefront('resilient', slow.url),
    startStorefront('fragile', slow.url),
  ]);
});

test.after.always(() => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const fake of fakeCatalogs) fake.close();
});

// Timing-sensitive tests are serial: AVA runs them before the concurrent ones, which start more processes.
// (The healthy ones too: the resilient storefront's 250 ms catalog timeout is short on a busy machine.)
test.serial(
  'slow catalog: fragile storefront waits for it (>= 800 ms) and then renders the products',
  async (t) => {
    const answer = await get(`${fragileSlow.url}/`);
    t.is(answer.status, 200);
    t.true(answer.ms >= slowUpstreamDelayMs, `answered after ${answer.ms} ms`);
    t.true(answer.body.includes('Slow product'));
  },
);

test.serial(
  'slow catalog: resilient storefront gives up at its timeout and answers degraded quickly',
  async (t) => {
    const answer = await get(`${resilientSlow.url}/`);
    t.is(answer.status, 200);
    t.is(answer.headers['x-degraded'], '1');
    t.true(answer.body.includes('Products are unavailable'));
    t.true(answer.ms >= 240 && answer.ms < 500, `answered after ${answer.ms} ms`);
    const metrics = await scrape(resilientSlow);
    t.is(readMetric(metrics, 'shop_catalog_calls_total', { service: 'storefront', outcome: 'timeout' }), 1);
  },
);

for (const [mode, storefront] of [
  ['resilient', () => resilient],
  ['fragile', () => fragile],
] as const) {
  test.serial(`healthy catalog: ${mode} storefront answers 200 with the catalog's products`, async (t) => {
    const fromCatalog = JSON.parse((await get(`${catalog.url}/products`)).body) as { products: unknown[] };
    t.is(fromCatalog.products.length, catalogProducts.length);

    const json = await get(`${storefront().url}/`, { accept: 'application/json' });
    t.is(json.status, 200);
    t.is(json.headers['x-degraded'], undefined);
    t.deepEqual(JSON.parse(json.body), { degraded: false, products: fromCatalog.products });

    const html = await get(`${storefront().url}/`);
    t.is(html.status, 200);
    t.regex(String(html.headers['content-type']), /^text\/html/);
    for (const name of catalogProducts) t.true(html.body.includes(name), `page lacks ${name}`);
  });
}

test('catalog unreachable: resilient storefront answers 200 with a degraded page', async (t) => {
  const answer = await get(`${resilientNoCatalog.url}/`);
  t.is(answer.status, 200);
  t.is(answer.headers['x-degraded'], '1');
  t.true(answer.body.includes('Products are unavailable'));
  t.false(answer.body.includes(catalogProducts[0]));
});

test('catalog unreachable: fragile storefront answers 502', async (t) => {
  const answer = await get(`${fragileNoCatalog.url}/`);
  t.is(answer.status, 502);
  t.is(answer.headers['x-degraded'], undefined);
});

test('unknown paths answer 404 on both services', async (t) => {
  t.is((await get(`${catalog.url}/nope`)).status, 404);
  t.is((await get(`${resilient.url}/nope`)).status, 404);
});

test('circuit breaker: opens after 5 failed calls, stops calling, and closes after a successful trial', async (t) => {
  const fake = await startFakeCatalog(0);
  fake.setStatus(500);
  // A generous catalog timeout: on a loaded machine a fast 500 must not turn into a timeout.
  const storefront = await startStorefront('resilient', fake.url, ['--catalog-timeout-ms', '3000']);
  const calls = async (outcome: string) =>
    readMetric(await scrape(storefront), 'shop_catalog_calls_total', { service: 'storefront', outcome });

  for (let i = 0; i < 5; i += 1) t.is((await get(`${storefront.url}/`)).headers['x-degraded'], '1');
  t.is(await calls('error'), 5);
  t.is(readMetric(await scrape(storefront), 'shop_circuit_open', { service: 'storefront' }), 1);

  const whileOpen = await get(`${storefront.url}/`);
  t.is(whileOpen.status, 200);
  t.is(whileOpen.headers['x-degraded'], '1');
  t.is(await calls('error'), 5);
  t.is(await calls('breaker_open'), 1);

  fake.setStatus(200);
  await sleep(2100);
  const afterTrial = await get(`${storefront.url}/`);
  t.is(afterTrial.status, 200);
  t.is(afterTrial.headers['x-degraded'], undefined);
  t.true(afterTrial.body.includes('Slow product'));
  t.is(await calls('ok'), 1);
  t.is(readMetric(await scrape(storefront), 'shop_circuit_open', { service: 'storefront' }), 0);
});

test('SIGTERM: readiness turns 503, the in-flight request completes 200, new connections are refused, exit 0', async (t) => {
  const upstream = await startFakeCatalog(1500);
  const storefront = await startStorefront('fragile', upstream.url, ['--drain-delay-ms', '400']);
  t.is((await get(`${storefront.url}/readyz`)).status, 200);

  const keepAlive = new http.Agent({ keepAlive: true });
  t.teardown(() => keepAlive.destroy());
  const arrived = upstream.nextRequest();
  const inFlight = get(`${storefront.url}/`, { agent: keepAlive });
  inFlight.catch(() => {}); // awaited below; this only keeps an early failed assertion from adding an unhandled rejection
  await arrived;
  storefront.child.kill('SIGTERM');

  t.is(await pollUntilStatus(`${storefront.url}/readyz`, 503, 350), 503);
  t.is((await get(`${storefront.url}/healthz`)).status, 200);

  await sleep(500);
  await t.throwsAsync(get(`${storefront.url}/readyz`), { code: 'ECONNREFUSED' });

  const answer = await inFlight;
  t.is(answer.status, 200);
  t.true(answer.body.includes('Slow product'));
  t.is(answer.headers.connection, 'close');
  const answeredAt = performance.now();
  t.is(await storefront.exitCode, 0);
  t.true(performance.now() - answeredAt < 1000, 'the keep-alive connection held the process open');
});

test('SIGTERM: exits 1 when in-flight requests outlast --shutdown-timeout-ms', async (t) => {
  const upstream = await startFakeCatalog(5000);
  const storefront = await startStorefront('fragile', upstream.url, ['--shutdown-timeout-ms', '300']);
  const { exitCode, exitMs, inFlight } = await sigtermWithRequestInFlight(storefront, upstream);
  t.is(exitCode, 1);
  t.true(exitMs < 2000);
  await t.throwsAsync(inFlight);
});

test.serial('--shutdown immediate: SIGTERM exits 0 at once and cuts the in-flight request', async (t) => {
  const upstream = await startFakeCatalog(3000);
  const storefront = await startStorefront('fragile', upstream.url, ['--shutdown', 'immediate']);
  t.is((await get(`${storefront.url}/readyz`)).status, 200);
  const { exitCode, exitMs, inFlight } = await sigtermWithRequestInFlight(storefront, upstream);
  t.is(exitCode, 0);
  t.true(exitMs < 2000, 'it did not wait for the in-flight request');
  await t.throwsAsync(inFlight);
});

test.serial('--startup-delay-ms: the service listens only after its startup delay', async (t) => {
  const started = performance.now();
  await startStorefront('fragile', catalog.url, ['--startup-delay-ms', '4000']);
  t.true(performance.now() - started >= 4000, `listening after ${performance.now() - started} ms`);
});

// Serial, like the timing tests: each case starts a process, and a busy machine makes starts slow.
test.serial('a bad --host or --shutdown is a usage error (exit 2) naming the flag', async (t) => {
  for (const [flag, value] of [
    ['--host', 'localhost'],
    ['--host', '127.0.0.256'],
    ['--shutdown', 'later'],
  ] as const) {
    const child = spawn(
      process.execPath,
      [
        `${shopDir}storefront.ts`,
        '--port',
        '0',
        '--mode',
        'fragile',
        '--catalog',
        'http://127.0.0.1:1',
        flag,
        value,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    t.is(code, 2, `${flag} ${value}`);
    t.true(stderr.startsWith(`${flag} must be`), stderr);
  }
});

test('SIGTERM: the catalog turns unready during the drain delay and exits 0', async (t) => {
  const service = await startService('catalog.ts', ['--drain-delay-ms', '300']);
  t.is((await get(`${service.url}/readyz`)).status, 200);
  service.child.kill('SIGTERM');
  t.is(await pollUntilStatus(`${service.url}/readyz`, 503, 250), 503);
  t.is(await service.exitCode, 0);
});

test('metrics: requests are counted by service and code, probes and /metrics are not', async (t) => {
  const ownCatalog = await startService('catalog.ts', []);
  const storefront = await startStorefront('resilient', ownCatalog.url);
  for (const path of ['/healthz', '/readyz', '/metrics'])
    t.is((await get(`${storefront.url}${path}`)).status, 200);
  t.is((await get(`${storefront.url}/`)).status, 200);
  t.is((await get(`${storefront.url}/`)).status, 200);

  const metrics = await scrape(storefront);
  t.regex(metrics, /# TYPE shop_requests_total counter/);
  t.regex(metrics, /# TYPE shop_request_duration_seconds histogram/);
  t.is(readMetric(metrics, 'shop_requests_total', { service: 'storefront', code: '200' }), 2);
  t.is(readMetric(metrics, 'shop_request_duration_seconds_count', { service: 'storefront' }), 2);
  t.is(readMetric(metrics, 'shop_request_duration_seconds_bucket', { service: 'storefront', le: '5' }), 2);
  t.is(readMetric(metrics, 'shop_catalog_calls_total', { service: 'storefront', outcome: 'ok' }), 2);
  t.is(readMetric(metrics, 'shop_circuit_open', { service: 'storefront' }), 0);

  const catalogMetrics = await scrape(ownCatalog);
  t.is(readMetric(catalogMetrics, 'shop_requests_total', { service: 'catalog', code: '200' }), 2);
});

test('metrics: the fragile storefront counts its 502s under its own service label', async (t) => {
  t.is((await get(`${fragileNoCatalog.url}/`)).status, 502);
  const metrics = await scrape(fragileNoCatalog);
  t.true(
    (readMetric(metrics, 'shop_requests_total', { service: 'fragile-storefront', code: '502' }) ?? 0) >= 1,
  );
  t.true(
    (readMetric(metrics, 'shop_catalog_calls_total', { service: 'fragile-storefront', outcome: 'error' }) ??
      0) >= 1,
  );
  t.is(readMetric(metrics, 'shop_requests_total', { service: 'storefront', code: '502' }), undefined);
});
