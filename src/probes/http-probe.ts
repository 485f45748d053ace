import { isAdapterError } from '../adapters/adapter-error.ts';
import { type HttpAnswer, sendHttpRequest } from '../adapters/http.ts';
import type { ExpectSpec, HttpProbeSpec } from '../experiment/schema.ts';
import { checkTolerance, hasTolerance, upperBoundOf } from '../hypothesis/tolerance.ts';
import type { ProbeResult } from './probe-context.ts';

// One request, or a burst of N giving an error ratio and latency percentiles.
export async function sampleHttp(
  spec: HttpProbeSpec,
  expect: ExpectSpec,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  const request = { url: spec.url, method: spec.method, headers: spec.headers, timeoutMs, signal };
  if (!spec.burst) return sampleOne(request, expect, timeoutMs);
  const answers = await runBurst(
    () => tryRequest(request),
    spec.burst.requests,
    spec.burst.concurrency ?? 10,
  );
  return judgeBurst(answers, expect);
}

// One request. With a latency bound below the timeout, the sample fails as soon as the bound is
// crossed: waiting for the rest of a slow answer only keeps a fault in place longer.
async function sampleOne(
  request: Parameters<typeof sendHttpRequest>[0],
  expect: ExpectSpec,
  timeoutMs: number,
): Promise<ProbeResult> {
  const boundMs = upperBoundOf(expect.latencyMs);
  if (boundMs === undefined || boundMs >= timeoutMs || !expect.latencyMs)
    return judgeOne(await tryRequest(request), expect, timeoutMs);
  const bound = new AbortController();
  const timer = setTimeout(() => bound.abort(), Math.max(0, boundMs));
  try {
    const signal = request.signal ? AbortSignal.any([bound.signal, request.signal]) : bound.signal;
    const attempt = await tryRequest({ ...request, signal });
    if (!bound.signal.aborted || request.signal?.aborted) return judgeOne(attempt, expect, timeoutMs);
    const { expected } = checkTolerance(Number.POSITIVE_INFINITY, expect.latencyMs);
    return {
      outcome: 'out-of-tolerance',
      value: boundMs,
      detail: `no answer within ${boundMs} ms, expected latency ${expected}`,
    };
  } finally {
    clearTimeout(timer);
  }
}

type Attempt = HttpAnswer | { failure: 'timeout' | 'unreachable' | 'other'; message: string };

async function tryRequest(request: Parameters<typeof sendHttpRequest>[0]): Promise<Attempt> {
  try {
    return await sendHttpRequest(request);
  } catch (error) {
    if (isAdapterError(error, 'timeout')) return { failure: 'timeout', message: error.message };
    if (isAdapterError(error, 'unreachable')) return { failure: 'unreachable', message: error.message };
    return { failure: 'other', message: (error as Error).message };
  }
}

async function runBurst(
  send: () => Promise<Attempt>,
  total: number,
  concurrency: number,
): Promise<Attempt[]> {
  const results: Attempt[] = [];
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      results.push(await send());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return results;
}

function statusOk(status: number, expect: ExpectSpec): boolean {
  if (expect.status === undefined) return status >= 200 && status < 400;
  return Array.isArray(expect.status) ? expect.status.includes(status) : status === expect.status;
}

function judgeOne(attempt: Attempt, expect: ExpectSpec, timeoutMs: number): ProbeResult {
  if ('failure' in attempt) {
    const outcome = attempt.failure === 'other' ? 'error' : attempt.failure;
    const detail = attempt.failure === 'timeout' ? `no answer within ${timeoutMs} ms` : attempt.message;
    return { outcome, detail, value: attempt.failure === 'timeout' ? timeoutMs : undefined };
  }
  const latency = Math.round(attempt.latencyMs * 10) / 10;
  const problems: string[] = [];
  if (!statusOk(attempt.status, expect))
    problems.push(`status ${attempt.status}, expected ${expect.status ?? '2xx/3xx'}`);
  if (expect.latencyMs && hasTolerance(expect.latencyMs)) {
    const check = checkTolerance(latency, expect.latencyMs);
    if (!check.ok) problems.push(`latency ${latency} ms, expected ${check.expected}`);
  }
  if (expect.bodyMatches && !new RegExp(expect.bodyMatches).test(attempt.body)) {
    problems.push(
      attempt.truncated
        ? `body does not match /${expect.bodyMatches}/ in its first ${formatBytes(attempt.body)} (the body went on; the rest was not read)`
        : `body does not match /${expect.bodyMatches}/`,
    );
  }
  const summary = `status ${attempt.status} in ${latency} ms`;
  return problems.length === 0
    ? { outcome: 'ok', value: latency, detail: summary }
    : { outcome: 'out-of-tolerance', value: latency, detail: problems.join('; ') };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? Number.NaN) * 10) / 10;
}

function judgeBurst(attempts: Attempt[], expect: ExpectSpec): ProbeResult {
  const answered = attempts.filter((a): a is HttpAnswer => !('failure' in a));
  if (answered.length === 0 && attempts.every((a) => 'failure' in a && a.failure === 'unreachable')) {
    return { outcome: 'unreachable', detail: `all ${attempts.length} requests failed to connect` };
  }
  const failed = attempts.filter((a) => 'failure' in a || !statusOk(a.status, expect)).length;
  const errorRatio = failed / attempts.length;
  const latencies = answered.map((a) => a.latencyMs).sort((a, b) => a - b);
  const stats = {
    errorRatio,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
  };
  const problems: string[] = [];
  const checks: [string, number, ExpectSpec['errorRatio']][] = [
    ['error ratio', errorRatio, expect.errorRatio],
    ['p50 ms', stats.p50, expect.p50Ms],
    ['p95 ms', stats.p95, expect.p95Ms],
    ['p99 ms', stats.p99, expect.p99Ms],
  ];
  for (const [label, value, tolerance] of checks) {
    if (!tolerance) continue;
    const check = checkTolerance(value, tolerance);
    if (!check.ok) problems.push(`${label} ${value}, expected ${check.expected}`);
  }
  const noBurstExpectation = !expect.errorRatio && !expect.p50Ms && !expect.p95Ms && !expect.p99Ms;
  if (noBurstExpectation && failed > 0) problems.push(`${failed} of ${attempts.length} requests failed`);
  const detail = `${attempts.length} requests: error ratio ${errorRatio.toFixed(3)}, p50 ${stats.p50} ms, p95 ${stats.p95} ms, p99 ${stats.p99} ms`;
  return {
    outcome: problems.length === 0 ? 'ok' : 'out-of-tolerance',
    value: errorRatio,
    values: [
      { label: 'errorRatio', value: errorRatio, ok: true },
      { label: 'p50Ms', value: stats.p50, ok: true },
      { label: 'p95Ms', value: stats.p95, ok: true },
      { label: 'p99Ms', value: stats.p99, ok: true },
    ],
    detail: problems.length === 0 ? detail : `${problems.join('; ')} (${detail})`,
  };
}

function formatBytes(body: string): string {
  const bytes = Buffer.byteLength(body);
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
