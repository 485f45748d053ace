// One constant-rate run of Faultline's load generator, in a process of its own so its CPU time is
// its own: node bench/load-faultline-run.ts URL RATE DURATION_MS TIMEOUT_MS. Prints one JSON line.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startLoad } from '../src/load/start-load.ts';

const [url = '', rate = '1000', durationMs = '5000', timeoutMs = '2000'] = process.argv.slice(2);
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const cpuBefore = process.cpuUsage();
const load = startLoad([
  {
    name: 'bench',
    url,
    timeoutMs: Number(timeoutMs),
    expectStatus: 200,
    rate: { perSecond: Number(rate) },
    durationMs: Number(durationMs),
  },
]);
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
    cpuMs: (cpu.user + cpu.system) / 1000,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  })}\n`,
);
