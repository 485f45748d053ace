import test from 'ava';
import type { ExchangeResult, LoadExchange, LoadTransport } from '../../../src/adapters/http-load-client.ts';
import type { Clock } from '../../../src/clock.ts';
import { startLoadStream } from '../../../src/load/load-stream.ts';
import type { LoadStreamOptions } from '../../../src/load/stream-options.ts';
import { createVirtualClock } from '../../helpers/virtual-clock.ts';

// The scheduler on a fake transport and virtual time: what is sent when, and how it is counted.

type Answer = { afterMs: number; result: ExchangeResult } | 'never';

function fakeTransport(clock: Clock, answer: (index: number) => Answer) {
  const sentAt: number[] = [];
  const exchanges: LoadExchange[] = [];
  let closed = false;
  const transport: LoadTransport = {
    send(exchange, done) {
      const index = sentAt.length;
      sentAt.push(clock.now());
      exchanges.push(exchange);
      const planned = answer(index);
      if (planned === 'never') return;
      void clock.sleep(planned.afterMs).then(() => done(planned.result));
    },
    close: async () => {
      closed = true;
    },
  };
  return { transport, sentAt, exchanges, isClosed: () => closed };
}

const ok = (afterMs: number): Answer => ({ afterMs, result: { kind: 'answered', status: 200 } });
const options = (extra: Partial<LoadStreamOptions> = {}): LoadStreamOptions => ({
  name: 'shoppers',
  url: 'http://shop.test:8080/cart?item=1',
  method: 'POST',
  headers: { 'x-test': '1' },
  body: '{}',
  timeoutMs: 2000,
  expectStatus: 200,
  rate: { perSecond: 100 },
  durationMs: 2000,
  ...extra,
});

test('requests go out at t0 + i / rate, with the stream’s method, path, headers and body', async (t) => {
  const clock = createVirtualClock(Date.UTC(2026, 0, 1, 0, 0, 0, 250));
  const fake = fakeTransport(clock, () => ok(20));
  let origin = '';
  const stream = startLoadStream(options(), {
    clock,
    connect: (o, max) => {
      origin = `${o} ${max}`;
      return fake.transport;
    },
  });
  const total = await stream.finished;
  t.is(origin, 'http://shop.test:8080 316', 'one client per origin, capped at rate x (timeout + 1 s) + 16');
  t.is(fake.sentAt.length, 200);
  t.true(fake.sentAt.every((at, index) => at === stream.startedMs + index * 10));
  t.deepEqual(fake.exchanges[0], {
    method: 'POST',
    path: '/cart?item=1',
    headers: { 'x-test': '1' },
    body: '{}',
    timeoutMs: 2000,
  });
  t.like(total, { sent: 200, ok: 200, lost: 0, inFlight: 0, notSent: { inFlightCap: 0, late: 0 } });
  t.is(Math.round(total.latency?.p50Ms ?? 0), 20);
  t.true(fake.isClosed());
});

test('open model: slow answers never hold back the requests after them', async (t) => {
  const clock = createVirtualClock();
  const fake = fakeTransport(clock, (index) => (index < 10 ? ok(1500) : ok(5)));
  const stream = startLoadStream(options(), { clock, connect: () => fake.transport });
  const total = await stream.finished;
  t.true(fake.sentAt.every((at, index) => at === stream.startedMs + index * 10));
  t.is(total.ok, 200);
  t.true((total.latency?.maxMs ?? 0) >= 1500);
});

test('each ending is judged: wrong status, timeout and connection failure are lost', async (t) => {
  const clock = createVirtualClock();
  const results: ExchangeResult[] = [
    { kind: 'answered', status: 200 },
    { kind: 'answered', status: 503 },
    { kind: 'timeout' },
    { kind: 'connection-failure', code: 'ECONNRESET' },
  ];
  const fake = fakeTransport(clock, (index) => ({
    afterMs: 3,
    result: results[index % 4] as ExchangeResult,
  }));
  const stream = startLoadStream(options({ expectStatus: [200, 204] }), {
    clock,
    connect: () => fake.transport,
  });
  const total = await stream.finished;
  t.like(total, {
    sent: 200,
    ok: 50,
    lost: 150,
    lostBy: { wrongStatus: 50, timeout: 50, connectionFailure: 50 },
  });
  t.deepEqual([...stream.failureCodes], [['ECONNRESET', 50]]);
});

test('the in-flight cap: requests due at the cap are not sent, counted apart, never lost', async (t) => {
  const clock = createVirtualClock();
  const fake = fakeTransport(clock, () => ok(95));
  const stream = startLoadStream(options({ maxInFlight: 5 }), { clock, connect: () => fake.transport });
  const total = await stream.finished;
  // 100 ms of answers at 10 ms apart: 10 would be in flight; 5 are allowed, so half are dropped.
  t.is(total.sent + total.notSent.inFlightCap, 200);
  t.true(total.notSent.inFlightCap >= 90, `${total.notSent.inFlightCap} not sent`);
  t.is(total.lost, 0);
  t.is(total.ok, total.sent);
});

test('with lateAfterMs 10, a stalled generator drops what it could not send on time, and counts the lateness it allowed', async (t) => {
  const virtual = createVirtualClock();
  let stalledMs = 0;
  // The process "stalls" 50 ms while sending request 20: the clock jumps, as it would after a long GC.
  const clock: Clock = { now: () => virtual.now() + stalledMs, sleep: virtual.sleep };
  const fake = fakeTransport(clock, (index) => {
    if (index === 20) stalledMs += 50;
    if (index === 40) stalledMs += 8;
    return ok(10);
  });
  const stream = startLoadStream(options({ lateAfterMs: 10 }), { clock, connect: () => fake.transport });
  const total = await stream.finished;
  // After request 20 (due at 200 ms) the clock reads 250 ms: 21, 22 and 23 are 40, 30 and 20 ms
  // late, over the 10 ms slack, and dropped; 24 is exactly 10 ms late and is sent.
  t.is(total.notSent.late, 3);
  t.is(total.sent, 197);
  t.is(total.lost, 0);
  // The 8 ms stall was within the 10 ms slack: sent late, and the lateness is in their latency.
  t.true((total.latency?.maxMs ?? 0) >= 10 + 8);
});

test('by default a generator tens of ms behind still sends, the lateness in the latency; a second behind it drops', async (t) => {
  const virtual = createVirtualClock();
  let stalledMs = 0;
  // A busy machine: 60 ms late at request 20 (a slow event loop), then 1.5 s late at request 100.
  const clock: Clock = { now: () => virtual.now() + stalledMs, sleep: virtual.sleep };
  const fake = fakeTransport(clock, (index) => {
    if (index === 20) stalledMs += 60;
    if (index === 99) stalledMs += 1_500;
    return ok(10);
  });
  const stream = startLoadStream(options({ durationMs: 3000 }), { clock, connect: () => fake.transport });
  t.is(stream.limits.lateAfterMs, 1000);
  const total = await stream.finished;
  // The stall ends at 2 490 ms: requests due from 1 490 ms on are at most 1 s late and are sent;
  // those due at 1 000 to 1 480 ms are more than 1 s late and are not.
  t.is(total.notSent.late, 49);
  t.is(total.sent, 251);
  t.true((total.latency?.maxMs ?? 0) >= 1000, 'the lateness it allowed is in the latency');
  t.is(total.lost, 0);
});

test('stop() sends no more and waits for the requests in flight, which are judged', async (t) => {
  const clock = createVirtualClock();
  const fake = fakeTransport(clock, (index) => (index === 49 ? 'never' : ok(400)));
  let neverDone: ((result: ExchangeResult) => void) | undefined;
  const transport: LoadTransport = {
    send: (exchange, done) => {
      if (fake.sentAt.length === 49) neverDone = done;
      fake.transport.send(exchange, done);
    },
    close: fake.transport.close,
  };
  const stream = startLoadStream(options({ durationMs: undefined }), { clock, connect: () => transport });
  await clock.sleep(495);
  let stoppedAt = 0;
  const stopped = stream.stop().then((total) => {
    stoppedAt = clock.now();
    return total;
  });
  await clock.sleep(1000);
  t.is(fake.sentAt.length, 50, 'nothing sent after stop');
  t.is(stoppedAt, 0, 'still waiting for the one request in flight');
  t.is(stream.account.inFlight(), 1);
  neverDone?.({ kind: 'timeout' });
  const total = await stopped;
  t.like(total, { sent: 50, ok: 49, lost: 1, inFlight: 0 });
  t.true(fake.isClosed());
});

test('a backlog is sent in bursts that let answers in between, not in one turn', async (t) => {
  const virtual = createVirtualClock();
  let jumpMs = 0;
  // The process "comes back" 5 s late at the first send: 5 000 requests are due at once.
  const clock: Clock = { now: () => virtual.now() + jumpMs, sleep: virtual.sleep };
  let inFlight = 0;
  let mostInFlight = 0;
  const transport: LoadTransport = {
    send(_exchange, done) {
      jumpMs = 5000;
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      setImmediate(() => {
        inFlight--;
        done({ kind: 'answered', status: 200 });
      });
    },
    close: async () => {},
  };
  const stream = startLoadStream(
    options({ rate: { perSecond: 1000 }, durationMs: 6000, lateAfterMs: Number.POSITIVE_INFINITY }),
    { clock, connect: () => transport },
  );
  const total = await stream.finished;
  t.is(total.ok, 6000);
  t.true(mostInFlight <= 2 * 64, `${mostInFlight} in flight at most`);
});
