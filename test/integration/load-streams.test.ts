// Load streams against the sandbox's real shop: the generator's counts agree with the shop's own
// counter, and a Toxiproxy toxic on `catalog` makes the fragile storefront lose requests, each by
// the cause it really has.
// Needs: the sample shop (catalog, resilient and fragile storefronts), Toxiproxy with the proxy
// `catalog`, and the sandbox's traffic generator running (its requests are told apart below).
import test from 'ava';
import { createToxiproxyAdapter, type NewToxic } from '../../src/adapters/toxiproxy.ts';
import { startLoad } from '../../src/load/start-load.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const toxiproxy = createToxiproxyAdapter(sandbox.TOXIPROXY_URL);
const seconds = 3;
// These tests check the accounting against real servers, not the generator's punctuality on a
// shared 2-core machine (bench:load measures that, and unit tests the late drops): every request
// is sent however late the scheduler gets to it, rather than dropped as late after 10 ms, and the
// timeouts are long enough for a slow machine not to turn answers into timeouts.
const lateAfterMs = Number.POSITIVE_INFINITY;

// shop_requests_total{service,code} read from the service's own /metrics (prom-client text format).
async function shopRequests(baseUrl: string, code: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('shop_requests_total{') && l.includes(`code="${code}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

// The shop counts a request when its response closes, a moment after the client has the answer.
const settledCount = (baseUrl: string, code: string, atLeast: number) =>
  waitUntil(`shop_requests_total{code="${code}"} to reach ${atLeast}`, async () => {
    const count = await shopRequests(baseUrl, code);
    return count >= atLeast ? count : undefined;
  });

async function withToxic<T>(toxic: NewToxic, work: () => Promise<T>): Promise<T> {
  await toxiproxy.addToxic('catalog', toxic);
  try {
    return await work();
  } finally {
    await toxiproxy.removeToxic('catalog', toxic.name);
  }
}

test.serial(
  '200 req/s at the storefront: all ok, on rate, and the shop counted exactly what was sent',
  async (t) => {
    // The sandbox's traffic generator sends GET / to both storefronts at 5 req/s; the storefront
    // answers 404 on any other path and counts it under code="404", which nothing else sends: that
    // stream's count must match to the request. The page stream (code="200") shares its counter with
    // the traffic generator, so there the difference may only be the traffic's few requests.
    const base = sandbox.STOREFRONT_URL;
    const before404 = await shopRequests(base, '404');
    const before200 = await shopRequests(base, '200');
    const started = Date.now();
    const load = startLoad([
      {
        name: 'pages',
        url: `${base}/`,
        timeoutMs: 10_000,
        expectStatus: 200,
        rate: { perSecond: 200 },
        durationMs: seconds * 1000,
        lateAfterMs,
      },
      {
        name: 'counted',
        url: `${base}/faultline-load-check`,
        timeoutMs: 10_000,
        expectStatus: 404,
        rate: { perSecond: 200 },
        durationMs: seconds * 1000,
        lateAfterMs,
      },
    ]);
    const totals = await Promise.all(load.streams.map((stream) => stream.finished));
    const elapsedSeconds = (Date.now() - started) / 1000;
    for (const total of totals) {
      t.log(JSON.stringify(total));
      t.is(
        total.sent + total.notSent.late + total.notSent.inFlightCap,
        200 * seconds,
        'every request was due',
      );
      t.true(
        Math.abs(total.sent - 200 * seconds) <= 2 * seconds,
        `sent ${total.sent}: within 1 % of rate x duration`,
      );
      t.is(total.ok, total.sent, 'all answered as expected');
      t.is(total.lost, 0);
      t.is(total.inFlight, 0);
      t.truthy(total.latency);
    }
    const [pages, counted] = totals as [(typeof totals)[0], (typeof totals)[0]];
    const after404 = await settledCount(base, '404', before404 + counted.sent);
    t.is(after404 - before404, counted.sent, 'the shop counted exactly the requests the generator sent');
    const after200 = await settledCount(base, '200', before200 + pages.sent);
    const traffic = after200 - before200 - pages.sent;
    t.true(
      traffic >= 0 && traffic <= 5 * (elapsedSeconds + 2),
      `${traffic} requests of the traffic generator`,
    );
    const serialized = load.serialize();
    t.is(
      serialized.counted?.reduce((sum, bucket) => sum + bucket.sent, 0),
      counted.sent,
      'the per-second buckets add up to the total',
    );
  },
);

test.serial(
  'a reset catalog: the fragile storefront answers 502, counted as lost by wrong status',
  async (t) => {
    const toxic: NewToxic = {
      name: 'faultline-test-load-reset',
      type: 'reset_peer',
      stream: 'upstream',
      attributes: { timeout: 0 },
    };
    const total = await withToxic(toxic, async () => {
      const load = startLoad([
        {
          name: 'fragile',
          url: `${sandbox.FRAGILE_STOREFRONT_URL}/`,
          timeoutMs: 10_000,
          expectStatus: 200,
          rate: { perSecond: 200 },
          durationMs: 2000,
          lateAfterMs,
        },
      ]);
      return load.stream('fragile').finished;
    });
    t.log(JSON.stringify(total));
    t.true(total.lost > 0);
    t.is(total.lostBy.wrongStatus, total.lost, 'every loss is the 502 the fragile storefront passes on');
    t.is(total.ok, 0, 'no page without the catalog');
    t.is(total.sent, total.ok + total.lost);
  },
);

test.serial(
  'a slow catalog: the fragile storefront has no timeout of its own, so requests time out',
  async (t) => {
    const toxic: NewToxic = {
      name: 'faultline-test-load-latency',
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: 1500, jitter: 0 },
    };
    const total = await withToxic(toxic, async () => {
      const load = startLoad([
        {
          name: 'fragile',
          url: `${sandbox.FRAGILE_STOREFRONT_URL}/`,
          timeoutMs: 1000,
          expectStatus: 200,
          rate: { perSecond: 200 },
          durationMs: 2000,
          lateAfterMs,
        },
      ]);
      return load.stream('fragile').finished;
    });
    t.log(JSON.stringify(total));
    t.true(total.lostBy.timeout > 0);
    t.is(total.lostBy.timeout, total.lost, 'every loss is a timeout');
    t.is(total.ok, 0, 'no page comes back within 1 s while the catalog takes 1.5 s');
  },
);

test.serial('a reset at the connection itself is a connection failure', async (t) => {
  // Straight at the catalog through its proxy: Toxiproxy resets the load stream's own connections.
  const toxic: NewToxic = {
    name: 'faultline-test-load-reset-client',
    type: 'reset_peer',
    stream: 'upstream',
    attributes: { timeout: 0 },
  };
  const total = await withToxic(toxic, async () => {
    const load = startLoad([
      {
        name: 'catalog',
        url: `http://${sandbox.CATALOG_PROXY_LISTEN}/products`,
        timeoutMs: 5000,
        rate: { perSecond: 100 },
        durationMs: 1000,
        lateAfterMs,
      },
    ]);
    const total = await load.stream('catalog').finished;
    t.log([...load.stream('catalog').failureCodes]);
    return total;
  });
  t.true(total.lostBy.connectionFailure > 0);
  t.is(total.lostBy.connectionFailure, total.lost);
});

test.after.always('no toxic of these tests is left on catalog', async () => {
  for (const name of [
    'faultline-test-load-reset',
    'faultline-test-load-latency',
    'faultline-test-load-reset-client',
  ])
    await toxiproxy.removeToxic('catalog', name).catch(() => false);
});
