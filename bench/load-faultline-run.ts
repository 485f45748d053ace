// One constant-rate run of Faultline's load generator, in a process of its own so its CPU time is
// its own: node bench/load-faultline-run.ts URL RATE DURATION_MS TIMEOUT_MS. Prints one JSON line.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createHttpLoadClient } from '../src/adapters/http-load-client.ts';
import { createLatencyHistogram, readPercentiles, recordLatency } from '../src/load/latency-histogram.ts';
import { startLoad } from '../src/load/start-load.ts';

const [url = '', rate = '1000', durationMs = '5000', timeoutMs = '2000'] = process.argv.slice(2);
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
// vegeta's latency runs from when its worker begins a request; for a like-for-like figure the
// transport is wrapped to time each exchange from its actual send too (the product's latency runs
// from the intended send time, which adds the scheduler's lateness: timers fire up to ~1 ms late).
const fromSend = createLatencyHistogram();
const connect = (origin: string, maxConnections: number) => {
  const client = createHttpLoadClient(origin, maxConnections);
  return {
    ...client,
    send: (exchange: Parameters<typeof client.send>[0], done: Parameters<typeof client.send>[1]) => {
      const sentAt = performance.now();
      client.send(exchange, (result) => {
        if (result.kind === 'answered') recordLatency(fromSend, performance.now() - sentAt);
        done(result);
      });
    },
  };
};
const cpuBefore = process.cpuUsage();
const load = startLoad(
  [
    {
      name: 'bench',
      url,
      timeoutMs: Number(timeoutMs),
      expectStatus: 200,
      rate: { perSecond: Number(rate) },
      durationMs: Number(durationMs),
    },
  ],
  { connect },
);
const total = await load.stream('bench').finished;
const cpu = process.cpuUsage(cpuBefore);
loopDelay.disable();
process.stdout.write(
  `${JSON.stringify({
    sent: total.sent,
    ok: total.ok,
    lost: total.lost,
    notSent: total.notSent.inFlightCap + total.notSent.late,
    p50Ms: total.latency?.p50Ms,
    p99Ms: total.latency?.p99Ms,
    maxMs: total.latency?.maxMs,
    p99FromSendMs: readPercentiles(fromSend)?.p99Ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  })}\n`,
);
