// Recovery: every fault of a run that is gone is reverted, found in the ledgers this runner reads
// (its local file, and the cluster ledger of dead runs the caller hands in) and by the marks the
// faults carry. A run is gone when its Lease expired, its deadline passed, or a ledger this runner
// reads records its process dead (run-liveness.ts); a live run's faults are listed, never touched,
// unless `force`. Ledger lines it cannot use are returned as problems, for the caller to print.
import type { Clock } from '../clock.ts';
import type { RecoveryScope } from '../faults/fault-driver.ts';
import { describeUndo, outOfReach } from '../faults/undo-handlers.ts';
import type { RevertContext, UndoRecord } from '../faults/undo-record.ts';
import type { FaultLedger, LedgerOpen, LedgerProblem } from './fault-ledger.ts';
import { createRunJudge, type LeaseLookup } from './recover-evidence.ts';
import { findMarkedFaults } from './recover-marks.ts';
import { revertWithRetry } from './revert-with-retry.ts';

export type RecoveredItem = {
  runId: string;
  undo: UndoRecord;
  description: string;
  source: 'ledger' | 'cluster' | 'mark';
  ok: boolean;
  detail: string;
  /** Why its run is gone (or, when forced, why it was judged alive). */
  why: string;
  /** Its run was alive: reverted only because of `force`. */
  forced?: boolean;
};
export type LiveFault = { runId: string; description: string; source: RecoveredItem['source']; why: string };

export type RecoverResult = {
  items: RecoveredItem[];
  /** Faults of runs that are alive: listed, never touched (unless forced). */
  live: LiveFault[];
  /** Entries whose target this runner must not touch (another cluster, another host): left open. */
  leftAlone: { entry: LedgerOpen; description: string; reason: string }[];
  scanErrors: string[];
  /** Ledger lines that could not be used (file:line, why): never reverted, never retried. */
  problems: LedgerProblem[];
};

/** An open entry of a ledger other than the local file (a run's Lease), with how to close it. */
export type ExternalEntry = {
  open: LedgerOpen;
  close: (outcome: 'reverted' | 'already-gone') => Promise<void>;
};

export type RecoverOptions = {
  ledger: FaultLedger;
  context: RevertContext & { clock: Clock };
  /** Where to look for orphans by their marks (see recoveryScopeOf). */
  scope: RecoveryScope;
  timeoutMs: number;
  /** The runner's own run: never reverted here. */
  currentRunId?: string;
  /** Only these runs (the guard's): regarded as gone. */
  onlyRuns?: ReadonlySet<string>;
  /** Revert the faults of live runs too (faultline recover --force). */
  force?: boolean;
  /** Judge and list only (faultline status): nothing reverted, nothing closed; items say 'would revert'. */
  dryRun?: boolean;
  /** The run's Lease, when a cluster is configured. */
  lease?: LeaseLookup;
  /** Open entries of the cluster ledger (dead or live runs' Leases). */
  external?: readonly ExternalEntry[];
};

export async function recoverFaults(options: RecoverOptions): Promise<RecoverResult> {
  const { ledger, context } = options;
  const { open, problems } = ledger.read();
  const judge = createRunJudge({
    now: context.clock.now(),
    lease: options.lease,
    dead: options.onlyRuns,
    own: options.currentRunId,
  });
  const entries: ExternalEntry[] = [
    ...open.map((entry) => ({
      open: entry,
      close: async (outcome: 'reverted' | 'already-gone') => ledger.close(entry.entry, outcome),
    })),
    ...(options.external ?? []),
  ].filter((entry) => !options.onlyRuns || options.onlyRuns.has(entry.open.runId));
  for (const entry of entries) judge.addEntry(entry.open);
  const result: RecoverResult = { items: [], live: [], leftAlone: [], scanErrors: [], problems };
  const handled = new Set<string>();
  const mayRevert = async (runId: string) => {
    const judgement = await judge.judge(runId);
    return {
      ...judgement,
      revert: !judgement.alive || (options.force === true && runId !== options.currentRunId),
    };
  };
  const revert = async (
    runId: string,
    undo: UndoRecord,
    source: RecoveredItem['source'],
    decision: Awaited<ReturnType<typeof mayRevert>>,
    close?: ExternalEntry['close'],
  ) => {
    const forced = decision.alive ? { forced: true } : {};
    if (options.dryRun) {
      const item = { runId, undo, description: describeUndo(undo), source, why: decision.why };
      result.items.push({ ...item, ok: true, detail: 'would revert', ...forced });
      return;
    }
    const report = await revertWithRetry(undo, context, { timeoutMs: options.timeoutMs });
    if (report.ok) await close?.(report.outcome);
    result.items.push({ ...itemOf(runId, undo, source, report, decision.why), ...forced });
  };

  for (const entry of entries) {
    const { runId, undo } = entry.open;
    const source = options.external?.includes(entry) ? 'cluster' : 'ledger';
    handled.add(JSON.stringify(undo));
    const decision = await mayRevert(runId);
    if (!decision.revert) {
      result.live.push({ runId, description: describeUndo(undo), source, why: decision.why });
      continue;
    }
    const elsewhere = outOfReach(undo, context);
    if (elsewhere) {
      result.leftAlone.push({ entry: entry.open, description: describeUndo(undo), reason: elsewhere });
      continue;
    }
    await revert(runId, undo, source, decision, entry.close);
  }

  const urls = [
    ...options.scope.toxiproxyUrls,
    ...entries.flatMap((e) => ('url' in e.open.undo ? [e.open.undo.url] : [])),
  ];
  const marked = await findMarkedFaults(context, urls, options.scope.nodeCordons, judge);
  result.scanErrors.push(...marked.scanErrors);
  for (const { runId, undo, claim } of marked.found) {
    if (handled.has(JSON.stringify(undo))) continue;
    if (options.onlyRuns && !options.onlyRuns.has(runId)) continue;
    const decision = await mayRevert(runId);
    if (claim) {
      // A gone run's claim is removed quietly (a harmless toxic); a live run's is its own business.
      if (decision.revert && !decision.alive && !options.dryRun && undo.kind === 'toxic')
        await context
          .toxiproxy(undo.url)
          .removeToxic(undo.proxy, undo.toxic)
          .catch(() => false);
      continue;
    }
    if (!decision.revert) {
      result.live.push({ runId, description: describeUndo(undo), source: 'mark', why: decision.why });
      continue;
    }
    await revert(runId, undo, 'mark', decision);
  }
  return result;
}

function itemOf(
  runId: string,
  undo: UndoRecord,
  source: RecoveredItem['source'],
  report: Awaited<ReturnType<typeof revertWithRetry>>,
  why: string,
): RecoveredItem {
  return {
    runId,
    undo,
    description: describeUndo(undo),
    source,
    ok: report.ok,
    detail: report.ok ? report.outcome : report.lastError,
    why,
  };
}
