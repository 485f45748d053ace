// One constant-rate run of Faultline's load generator, in a process of its own so its CPU time is
// its own: node bench/load-faultline-run.ts URL RATE DURATION_MS TIMEOUT_MS. Prints one JSON line.
//
// Like vegeta, it sends every request however late (lateAfterMs: infinity), so both are measured
// on how fast they can send; how many requests went out more than the product's default 10 ms
// late (which a stream would have dropped as late) is counted beside. The transport is wrapped to
// time each exchange from its actual send too, as vegeta does; the product's latency runs from the
// intended send time. A short warm-up (undici's parser, the JIT) runs before CPU time is taken.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHttpLoadClient, type LoadTransport } from '../src/adapters/http-load-client.ts';
import { createLatencyHistogram, readPercentiles, recordLatency } from '../src/load/latency-histogram.ts';
import { preciseClock, startLoad } from '../src/load/start-load.ts';
import { defaultLateAfterMs } from '../src/load/stream-options.ts';

const [url = '', rate = '1000', durationMs = '5000', timeoutMs = '2000'] = process.argv.slice(2);
const perSecond = Number(rate);
const fromSend = createLatencyHistogram();
const sends = { count: 0, late: 0, first: 0, last: 0, startedMs: 0 };

function measuredClient(origin: string, maxConnections: number): LoadTransport {
  const client = createHttpLoadClient(origin, maxConnections);
  return {
    close: client.close,
    send(exchange, done) {
      const now = preciseClock.now();
      // Without drops, requests go out in order: the i-th send was due at startedMs + i / rate.
      if (now - (sends.startedMs + (sends.count * 1000) / perSecond) > defaultLateAfterMs) sends.late++;
      if (sends.count === 0) sends.first = now;
      sends.last = now;
      sends.count++;
      const sentAt = performance.now();
      client.send(exchange, (result) => {
        if (result.kind === 'answered') recordLatency(fromSend, performance.now() - sentAt);
        done(result);
      });
    },
  };
}

const stream = (name: string, ms: number, connect = createHttpLoadClient) =>
  startLoad(
    [
      {
        name,
        url,
        timeoutMs: Number(timeoutMs),
        expectStatus: 200,
        rate: { perSecond },
        durationMs: ms,
        lateAfterMs: Number.POSITIVE_INFINITY,
      },
    ],
    { connect },
  ).stream(name);

await stream('warm-up', Math.min(500, (200 * 1000) / perSecond)).finished;
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const measured = stream('bench', Number(durationMs), measuredClient);
sends.startedMs = measured.startedMs;
const total = await measured.finished;
const cpu = process.cpuUsage(cpuBefore);
loopDelay.disable();
process.stdout.write(
  `${JSON.stringify({
    sent: total.sent,
    ok: total.ok,
    lost: total.lost,
    notSent: total.notSent.inFlightCap + total.notSent.late,
    lateOver10Ms: sends.late,
    sendRate: sends.count / ((sends.last - sends.first) / 1000),
    p50Ms: total.latency?.p50Ms,
    p99Ms: total.latency?.p99Ms,
    maxMs: total.latency?.maxMs,
    p99FromSendMs: readPercentiles(fromSend)?.p99Ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  })}\n`,
);
