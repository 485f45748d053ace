import { tryParseDuration } from '../experiment/duration.ts';
import type { ProbeSpec } from '../experiment/schema.ts';
import type { Sample } from '../hypothesis/sample.ts';
import { sampleCommand } from './command-probe.ts';
import { sampleHttp } from './http-probe.ts';
import { sampleKubernetes } from './kubernetes-probe.ts';
import { sampleLoad } from './load-probe.ts';
import type { ProbeContext, ProbeResult } from './probe-context.ts';
import { samplePrometheus } from './prometheus-probe.ts';

const defaultTimeoutMs = 5_000;
const retryDelayMs = 200;

function timeoutOf(probe: ProbeSpec): number {
  const own = probe.http?.timeout ?? probe.command?.timeout ?? probe.timeout;
  return (own && tryParseDuration(own)) || defaultTimeoutMs;
}

async function sampleOnce(probe: ProbeSpec, context: ProbeContext): Promise<ProbeResult> {
  const timeoutMs = timeoutOf(probe);
  if (probe.http) return sampleHttp(probe.http, probe.expect, timeoutMs, context.signal);
  if (probe.prometheus) return samplePrometheus(probe.prometheus, probe.expect, timeoutMs, context.signal);
  if (probe.kubernetes) {
    const request = { timeoutMs, signal: context.signal };
    return sampleKubernetes(probe.kubernetes, probe.expect, context.kubernetes(), request);
  }
  if (probe.command) return sampleCommand(probe.command, probe.expect, timeoutMs, context.signal);
  if (probe.load) return sampleLoad(probe.load, probe.expect, context);
  return {
    outcome: 'error',
    detail: 'the probe has no kind (http, prometheus, kubernetes, command or load)',
  };
}

// One sample of one probe, retried `retries` times when it fails; the last attempt is the sample.
// A probe that throws unexpectedly becomes an `error` sample: failures are data, not exceptions.
export async function takeSample(probe: ProbeSpec, context: ProbeContext): Promise<Sample> {
  const at = context.clock.now();
  const started = performance.now();
  const attemptsAllowed = 1 + (probe.retries ?? 0);
  let result: ProbeResult = { outcome: 'error', detail: 'not sampled' };
  let attempts = 0;
  while (attempts < attemptsAllowed) {
    attempts++;
    try {
      result = await sampleOnce(probe, context);
    } catch (error) {
      result = { outcome: 'error', detail: error instanceof Error ? error.message : String(error) };
    }
    if (result.outcome === 'ok' || context.signal?.aborted) break;
    if (attempts < attemptsAllowed) await context.clock.sleep(retryDelayMs, context.signal);
  }
  return { probe: probe.name, at, ...result, durationMs: Math.round(performance.now() - started), attempts };
}
