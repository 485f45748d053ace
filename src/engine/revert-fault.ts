import { describeUndo } from '../faults/undo-handlers.ts';
import { revertWithRetry } from '../ledger/revert-with-retry.ts';
import type { JournalAction, JournalFault } from './journal.ts';
import { recordClose } from './run-presence.ts';
import type { RunState } from './run-state.ts';

// Reverts every action of one fault still in place, all at once and newest first, each retried
// until confirmed; the ledger entry is closed only then. A revert that finally fails is recorded
// as left behind (the ledger entry stays open for `faultline recover`). Nothing one action does —
// not even a ledger that cannot be written — stops the others from being reverted.
export async function revertFault(fault: JournalFault, why: string, state: RunState): Promise<void> {
  const pending = [...fault.actions].reverse().filter((action) => !taken.has(action));
  for (const action of pending) taken.add(action);
  await Promise.all(pending.map((action) => revertAction(fault, action, why, state)));
}

// Actions whose revert has begun: a second revert of the same fault (its timed end, then the run's
// end) never reverts one twice.
const taken = new WeakSet<JournalAction>();

export function isRevertPending(action: JournalAction): boolean {
  return !taken.has(action);
}

async function revertAction(fault: JournalFault, action: JournalAction, why: string, state: RunState) {
  const { journal, runtime } = state;
  const what = `${fault.name}: ${describeUndo(action.undo)}`;
  const extra = { fault: fault.name };
  try {
    state.emit('reverting', `${what} (${why})`, extra);
    const report = await revertWithRetry(
      action.undo,
      { toxiproxy: runtime.toxiproxy, kubernetes: runtime.kubernetes, clock: runtime.clock },
      {
        timeoutMs: journal.settings.revertTimeoutMs,
        onRetry: (attempt, error, nextInMs) =>
          state.emit(
            'revert-retry',
            `${fault.name}: attempt ${attempt} failed (${error}); retrying in ${nextInMs} ms`,
            extra,
          ),
      },
    );
    action.revertAttempts = report.attempts;
    action.revertedAt = runtime.clock.now();
    if (!report.ok) {
      leftBehind(state, action, fault.name, report.lastError);
      return;
    }
    action.revert = report.outcome;
    state.emit('reverted', `${what}: ${report.outcome}`, extra);
    await closeLedgerEntry(state, action, fault.name);
  } catch (error) {
    leftBehind(state, action, fault.name, `unexpected: ${(error as Error).message}`);
  }
}

function leftBehind(state: RunState, action: JournalAction, fault: string, error: string) {
  action.revert = 'failed';
  action.error = error;
  const description = describeUndo(action.undo);
  state.journal.ledger.leftBehind.push({ entry: action.ledgerEntry, description, error });
  state.emit('revert-failed', `${fault}: ${description} is LEFT IN PLACE: ${error}`, { fault });
}

// The fault is confirmed gone; a ledger that cannot record it leaves the entry open, and a later
// `recover` finds the fault already gone. Worth a warning, never a reason to stop reverting.
async function closeLedgerEntry(state: RunState, action: JournalAction, fault: string) {
  try {
    state.runtime.ledger.close(
      action.ledgerEntry,
      action.revert === 'already-gone' ? 'already-gone' : 'reverted',
    );
    await recordClose(state, action.ledgerEntry);
  } catch (error) {
    const message = (error as Error).message;
    state.journal.ledger.unclosed ??= [];
    state.journal.ledger.unclosed.push({ entry: action.ledgerEntry, error: message });
    state.emit('ledger-close-failed', `${fault}: reverted, but the ledger could not record it: ${message}`, {
      fault,
    });
  }
}
