import { describeUndo } from '../faults/undo-record.ts';
import type { FaultLedger } from '../ledger/fault-ledger.ts';
import { revertWithRetry } from '../ledger/revert-with-retry.ts';
import type { JournalFault } from './journal.ts';
import type { RunContext } from './run-context.ts';

// Reverts every action of one fault still in place, all at once and newest first, each retried
// until confirmed; the ledger entry is closed only then. A revert that finally fails is recorded
// as left behind (the ledger entry stays open for `faultline recover`).
export async function revertFault(fault: JournalFault, why: string, run: RunContext, ledger: FaultLedger) {
  const { emit, journal, faultContext } = run;
  const actions = [...fault.actions].reverse();
  await Promise.all(
    actions.map(async (action) => {
      if (action.revert) return;
      const what = `${fault.name}: ${describeUndo(action.undo)}`;
      emit('reverting', `${what} (${why})`, { fault: fault.name });
      const report = await revertWithRetry(action.undo, faultContext, {
        timeoutMs: journal.settings.revertTimeoutMs,
        onRetry: (attempt, error, nextInMs) =>
          emit(
            'revert-retry',
            `${fault.name}: attempt ${attempt} failed (${error}); retrying in ${nextInMs} ms`,
            {
              fault: fault.name,
            },
          ),
      });
      action.revertAttempts = report.attempts;
      action.revertedAt = faultContext.clock.now();
      if (report.ok) {
        action.revert = report.outcome;
        ledger.close(action.ledgerEntry, report.outcome);
        emit('reverted', `${what}: ${report.outcome}`, { fault: fault.name });
        return;
      }
      action.revert = 'failed';
      action.error = report.lastError;
      journal.ledger.leftBehind.push({
        entry: action.ledgerEntry,
        description: describeUndo(action.undo),
        error: report.lastError,
      });
      emit('revert-failed', `${what} is LEFT IN PLACE: ${report.lastError}`, { fault: fault.name });
    }),
  );
}
