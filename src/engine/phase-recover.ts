import { recoveryScopeOf } from '../faults/fault-drivers.ts';
import { recoverEverywhere } from '../registry/recover-everywhere.ts';
import { runLeases } from './run-leases.ts';
import type { RunState } from './run-state.ts';

// Recover: the faults of earlier runs that are gone (open ledger entries here and in the cluster,
// marks on the targets) are reverted before this run touches anything; live runs' are left alone.
// Returns false when one could not be reverted: the run must not go on.
export async function recoverOrphans(state: RunState): Promise<boolean> {
  const { runtime, request, journal } = state;
  state.phase = 'recover';
  state.emit('phase', 'recovering faults left by earlier runs');
  const scope = recoveryScopeOf(request.experiment.spec.faults);
  const recovered = await recoverEverywhere({
    ledger: runtime.ledger,
    context: { toxiproxy: runtime.toxiproxy, kubernetes: runtime.kubernetes, clock: runtime.clock },
    scope,
    timeoutMs: journal.settings.revertTimeoutMs,
    currentRunId: request.runId,
    leases: runLeases(scope, runtime),
  });
  for (const item of recovered.items) {
    state.emit(
      item.ok ? 'recovered' : 'recover-failed',
      `${item.description}: ${item.detail} (found by ${item.source}; run ${item.runId}: ${item.why})`,
    );
  }
  for (const live of recovered.live)
    state.emit(
      'recover-scan-failed',
      `${live.description} of the live run ${live.runId}: left alone, ${live.why}`,
    );
  for (const { description, reason } of recovered.leftAlone)
    state.emit('recover-scan-failed', `${description}: left alone, ${reason}`);
  for (const problem of recovered.scanErrors) state.emit('recover-scan-failed', problem);
  for (const problem of recovered.problems)
    state.emit('ledger-problem', `ledger: ${problem.file}:${problem.line}: ${problem.reason}`);
  return !recovered.items.some((item) => !item.ok);
}
