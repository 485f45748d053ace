import { mapWithLimit } from '../concurrency/map-with-limit.ts';
import type { RateGate } from '../concurrency/rate-gate.ts';
import type { FaultAction } from '../faults/fault-driver.ts';
import type { FaultLedger, LedgerOpen } from '../ledger/fault-ledger.ts';
import type { JournalAction, JournalFault } from './journal.ts';

export type InjectTarget = {
  ledger: FaultLedger;
  /** Written into every entry: the run's deadline, and whether it registered in a cluster. */
  entryFacts: { deadline: number; registered?: boolean };
  /** Records the entries where else they must be before the inject (the run's Lease). */
  recordElsewhere: (lines: readonly LedgerOpen[]) => Promise<void>;
  runId: string;
  experiment: string;
  /** The journal's record of the fault: actions are appended to it as their undo is written. */
  fault: JournalFault;
  round: number | undefined;
  now: () => number;
  signal?: AbortSignal;
  /** spec.safety.apiRate: awaited before each of a batch's actions (a kill's deletions, cordons). */
  apiGate?: RateGate;
  /** Right after an action was injected (for its event and its follow-ups). */
  onInjected: (action: FaultAction, recorded: JournalAction) => void;
};

const concurrency = 32;

// Injects actions in their order, each only once its undo is in the ledger. A run of consecutive
// `independent` actions (the pods of one kill, the nodes of one drain) goes at once, bounded, its
// ledger entries written first with a single fsync. Stops starting new ones when the signal
// aborts; throws the first failure once the actions already started have finished. Returns how
// many were injected.
export async function injectActions(actions: FaultAction[], target: InjectTarget): Promise<number> {
  let injected = 0;
  for (const batch of batchesOf(actions)) {
    if (target.signal?.aborted) return injected;
    const first = target.fault.actions.length;
    const recorded = batch.map(
      (action, index): JournalAction => ({
        target: action.target,
        undo: action.undo,
        ledgerEntry: `${target.runId}/${target.fault.name}/${first + index}`,
        ...(target.round === undefined ? {} : { round: target.round }),
        ...(action.owner ? { owner: action.owner } : {}),
      }),
    );
    const lines = target.ledger.openAll(
      recorded.map((r) => ({
        entry: r.ledgerEntry,
        runId: target.runId,
        experiment: target.experiment,
        fault: target.fault.name,
        undo: r.undo,
        ...target.entryFacts,
      })),
    );
    await target.recordElsewhere(lines);
    target.fault.actions.push(...recorded);
    const errors: unknown[] = [];
    await mapWithLimit(batch, concurrency, async (action, index) => {
      if (action.independent) await target.apiGate?.(target.signal);
      if (target.signal?.aborted || errors.length > 0) return;
      try {
        await action.inject();
        injected += 1;
        const done = recorded[index] as JournalAction;
        done.injectedAt = target.now();
        target.onInjected(action, done);
      } catch (error) {
        errors.push(error);
      }
    });
    if (errors.length > 0) throw errors[0];
  }
  return injected;
}

function batchesOf(actions: FaultAction[]): FaultAction[][] {
  const batches: FaultAction[][] = [];
  for (const action of actions) {
    const last = batches[batches.length - 1];
    if (action.independent && last?.[0]?.independent) last.push(action);
    else batches.push([action]);
  }
  return batches;
}
