// spec.safety.apiRate as a gate: one for a run (every pod deletion, cordon and eviction, whatever
// fault or round sends it; reads and reverts are not held back) and one for a plan's dry runs.
import type { Clock } from '../clock.ts';
import { createRateGate, type RateGate } from '../concurrency/rate-gate.ts';
import { parseRate } from '../experiment/rate.ts';
import type { SafetySpec } from '../experiment/schema.ts';

/** Empty when the experiment sets no apiRate, so it spreads into an object with optional fields. */
export function apiGateOf(safety: SafetySpec | undefined, clock: Clock): { apiGate?: RateGate } {
  if (safety?.apiRate === undefined) return {};
  return { apiGate: createRateGate(parseRate(safety.apiRate), clock.now, clock.sleep) };
}
