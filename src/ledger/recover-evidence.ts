// What recovery knows of each run whose faults it finds, gathered from every source, judged once.
import type { LedgerOpen } from './ledger-lines.ts';
import { processStateOf } from './process-identity.ts';
import { type Judgement, judgeRun, type LeaseState, type RunEvidence } from './run-liveness.ts';

export type LeaseLookup = (runId: string) => Promise<LeaseState | undefined>;

export type RunJudge = {
  /** What the ledger entries say of a run (its process, deadline, registration). */
  addEntry(entry: LedgerOpen): void;
  /** A run seen only by a mark: its deadline, or that it registered in the cluster. */
  addMark(runId: string, hints: { deadline?: number; registered?: boolean }): void;
  judge(runId: string): Promise<Judgement>;
};

export function createRunJudge(options: {
  now: number;
  lease?: LeaseLookup;
  /** Runs regarded as dead whatever the evidence: the run a guard watches died. */
  dead?: ReadonlySet<string>;
  /** Runs never touched here: the runner's own. */
  own?: string;
}): RunJudge {
  const evidence = new Map<string, RunEvidence>();
  const judged = new Map<string, Promise<Judgement>>();
  const of = (runId: string) => {
    let found = evidence.get(runId);
    if (!found) {
      found = {};
      evidence.set(runId, found);
    }
    return found;
  };
  return {
    addEntry(entry) {
      const found = of(entry.runId);
      found.process ??= processStateOf(entry, entry.runId);
      if (entry.deadline !== undefined) found.deadline = Math.max(found.deadline ?? 0, entry.deadline);
      if (entry.registered) found.registered = true;
    },
    addMark(runId, hints) {
      const found = of(runId);
      if (hints.deadline !== undefined) found.deadline = Math.max(found.deadline ?? 0, hints.deadline);
      if (hints.registered) found.registered = true;
    },
    judge(runId) {
      let judgement = judged.get(runId);
      if (!judgement) {
        judgement = (async (): Promise<Judgement> => {
          if (runId === options.own) return { alive: true, why: 'it is this run' };
          if (options.dead?.has(runId)) return { alive: false, why: 'its process died (seen by its guard)' };
          const found = of(runId);
          const lease = options.lease ? await options.lease(runId) : undefined;
          return judgeRun({ ...found, ...(lease ? { lease } : {}) }, options.now);
        })();
        judged.set(runId, judgement);
      }
      return judgement;
    },
  };
}
