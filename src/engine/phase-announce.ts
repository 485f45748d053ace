// Before anything is injected: no halt stands, no live run shares a target with this one (or, with
// `--wait-clear`, until none does), and the run announces itself where its targets live.
import { recoveryScopeOf } from '../faults/fault-drivers.ts';
import { readHalt } from '../registry/halt.ts';
import { seeRuns } from '../registry/live-runs.ts';
import { sharedTargets, type Target, targetsOf } from '../registry/targets.ts';
import type { BlastRadius } from '../selection/safety.ts';
import { runLeases } from './run-leases.ts';
import { announceRun } from './run-presence.ts';
import type { RunState } from './run-state.ts';

const pollMs = 1_000;

// Returns why the run must not start, or undefined once it is announced.
export async function announceOrRefuse(
  state: RunState,
  radii: readonly BlastRadius[],
): Promise<string | undefined> {
  const { request, runtime } = state;
  const scope = recoveryScopeOf(request.experiment.spec.faults);
  const leases = runLeases(scope, runtime);
  const targets = targetsOf(radii);
  const halt = await readHalt({ leases, toxiproxies: scope.toxiproxyUrls.map(runtime.toxiproxy) });
  if (halt.halt)
    return `halted by ${halt.halt.by} at ${halt.halt.at}: ${halt.halt.reason} (faultline resume lifts it)`;
  const waitUntil = runtime.clock.now() + (request.waitClearMs ?? 0);
  for (let told = false; ; told = true) {
    const overlap = await overlapping(state, targets, scope.toxiproxyUrls, leases);
    if (!overlap) break;
    if (runtime.clock.now() >= waitUntil || request.signal?.aborted) return overlap;
    if (!told) state.emit('phase', `${overlap}; waiting until it is clear (--wait-clear)`);
    await runtime.clock.sleep(pollMs, request.signal);
  }
  await announceRun(state, targets, scope);
  return undefined;
}

async function overlapping(
  state: RunState,
  targets: Target[],
  toxiproxyUrls: string[],
  leases: Parameters<typeof seeRuns>[0]['leases'],
): Promise<string | undefined> {
  const { runtime, request } = state;
  const seen = await seeRuns({
    leases,
    toxiproxy: runtime.toxiproxy,
    toxiproxyUrls,
    now: runtime.clock.now(),
  });
  for (const error of seen.errors) state.emit('recover-scan-failed', error);
  for (const run of seen.runs) {
    if (run.runId === request.runId || !run.judgement.alive) continue;
    const shared = sharedTargets(targets, run.targets);
    if (shared.length === 0) continue;
    const about = [run.experiment, run.host && `on ${run.host}`].filter(Boolean).join(' ');
    return `overlaps the live run ${run.runId}${about ? ` (${about})` : ''}: both target ${shared.join(', ')}`;
  }
  return undefined;
}
