import { parseDuration } from '../experiment/duration.ts';
import type { ExpectSpec, LoadProbeSpec } from '../experiment/schema.ts';
import { judgeLoadWindow } from '../load/judge-window.ts';
import type { ProbeContext, ProbeResult } from './probe-context.ts';

// A load stream's trailing window against the tolerances: lost requests, error ratio, latency
// percentiles, throughput. Reads what the run's stream has counted; sends nothing itself.
export function sampleLoad(spec: LoadProbeSpec, expect: ExpectSpec, context: ProbeContext): ProbeResult {
  const stream = context.loadStream?.(spec.stream);
  if (!stream) return { outcome: 'error', detail: `no load stream named "${spec.stream}" is running` };
  const windowMs = parseDuration(spec.window);
  const summary = stream.summarizeTrailing(windowMs, context.clock.now());
  const judged = judgeLoadWindow(summary, expect);
  const seconds = Math.round((summary.toMs - summary.fromMs) / 100) / 10;
  const figures = `${spec.stream}, last ${seconds} s: ${judged.figures}`;
  return {
    outcome: judged.ok ? 'ok' : 'out-of-tolerance',
    value: judged.value,
    values: judged.values,
    detail: judged.ok ? figures : `${judged.problems.join('; ')} (${figures})`,
  };
}
