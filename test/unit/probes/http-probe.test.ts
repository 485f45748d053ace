// The HTTP probe against a local server that answers slowly: a latency bound fails the sample as
// soon as it is crossed, instead of when the slow answer finally ends.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { sampleHttp } from '../../../src/probes/http-probe.ts';

let server: Server;
let base = '';

test.before(async () => {
  server = createServer((request, response) => {
    const delay = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    setTimeout(() => response.end('ok'), delay);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.after.always(() => {
  server.closeAllConnections();
  server.close();
});

// Defect: a 3 s latency toxic with `latencyMs: {below: 1000}` kept the toxic in place 6 s over two
// samples, because each sample waited the full 3 s for an answer known to be too slow at 1 s.
test('a latency bound fails the sample when it is crossed, not when the slow answer ends', async (t) => {
  const started = performance.now();
  const result = await sampleHttp({ url: `${base}/?delay=3000` }, { latencyMs: { below: 300 } }, 5_000);
  const took = performance.now() - started;
  t.is(result.outcome, 'out-of-tolerance');
  t.is(result.value, 300);
  t.regex(result.detail, /no answer within 300 ms, expected latency below 300/);
  t.true(took < 2_000, `answered in ${Math.round(took)} ms, not after the server's 3 s`);
});

test('an answer within the bound is judged as usual', async (t) => {
  const result = await sampleHttp(
    { url: `${base}/?delay=50` },
    { status: 200, latencyMs: { atMost: 2_000 } },
    5_000,
  );
  t.is(result.outcome, 'ok');
  t.true(typeof result.value === 'number' && result.value >= 50);
});

test('without a latency bound, a slow answer is waited for up to the timeout', async (t) => {
  const result = await sampleHttp({ url: `${base}/?delay=400` }, { status: 200 }, 5_000);
  t.is(result.outcome, 'ok');
  t.true((result.value as number) >= 400);
});
