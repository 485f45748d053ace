import { recoveryScopeOf } from '../faults/fault-drivers.ts';
import { formatLedgerProblem } from '../ledger/fault-ledger.ts';
import { recoverFaults } from '../ledger/recover.ts';
import type { RunState } from './run-state.ts';

// Recover: orphans of earlier runs that died (open ledger entries, marks) are reverted before this
// run touches anything. Returns false when one could not be reverted: the run must not go on.
export async function recoverOrphans(state: RunState): Promise<boolean> {
  const { runtime, request, journal } = state;
  state.phase = 'recover';
  state.emit('phase', 'recovering faults left by earlier runs');
  const recovered = await recoverFaults({
    ledger: runtime.ledger,
    context: { toxiproxy: runtime.toxiproxy, kubernetes: runtime.kubernetes, clock: runtime.clock },
    scope: recoveryScopeOf(request.experiment.spec.faults),
    timeoutMs: journal.settings.revertTimeoutMs,
    currentRunId: request.runId,
  });
  for (const item of recovered.items) {
    state.emit(
      item.ok ? 'recovered' : 'recover-failed',
      `${item.description}: ${item.detail} (found by ${item.source})`,
    );
  }
  for (const { description, reason } of recovered.leftAlone)
    state.emit('recover-scan-failed', `${description}: left alone, ${reason}`);
  for (const problem of recovered.scanErrors) state.emit('recover-scan-failed', problem);
  // Lines of the ledger it cannot use (torn, a newer Faultline's undo kind): said, never retried.
  for (const problem of recovered.problems)
    state.emit('recover-scan-failed', `ledger: ${formatLedgerProblem(problem)}`);
  return !recovered.items.some((item) => !item.ok);
}
