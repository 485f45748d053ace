// Steady real traffic so Prometheus rate() queries have data. Runs until SIGTERM or SIGINT.
// Usage: node traffic.ts --target URL [--target URL ...] [--rps N (default 5, per target)]
import { parseArgs } from 'node:util';
import { failUsage, parseUrlOption } from './cli-options.ts';

const usage = 'usage: traffic.ts --target URL [--target URL ...] [--rps N (per target, default 5)]';
const requestTimeoutMs = 5000;

function readOptions(): { targets: URL[]; rps: number } {
  let values: { target?: string[]; rps?: string };
  try {
    ({ values } = parseArgs({
      options: { target: { type: 'string', multiple: true }, rps: { type: 'string' } },
    }));
  } catch (error) {
    failUsage(String(error instanceof Error ? error.message : error), usage);
  }
  const targets = (values.target ?? []).map((raw) => parseUrlOption('target', raw, usage));
  if (targets.length === 0) failUsage('at least one --target is required', usage);
  const rps = Number(values.rps ?? '5');
  if (!Number.isFinite(rps) || rps <= 0 || rps > 1000)
    failUsage('--rps must be a number in (0, 1000]', usage);
  return { targets, rps };
}

// Errors and timeouts are ignored: the services' own metrics record what happened.
function sendOneRequest(target: URL): void {
  fetch(target, { signal: AbortSignal.timeout(requestTimeoutMs) })
    .then((response) => response.arrayBuffer())
    .catch(() => {});
}

const { targets, rps } = readOptions();
const timers = targets.map((target) => setInterval(() => sendOneRequest(target), 1000 / rps));
process.stdout.write(`sending ${rps} rps to each of ${targets.map(String).join(', ')}\n`);

const stop = (): void => {
  for (const timer of timers) clearInterval(timer);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
