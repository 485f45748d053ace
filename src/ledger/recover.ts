// Recovery: every fault of a run that is gone is reverted, found in the ledgers this runner reads
// (its local file, and the cluster ledger of dead runs the caller hands in) and by the marks the
// faults carry. A run is gone when its Lease expired, its deadline passed, or a ledger this runner
// reads records its process dead (run-liveness.ts); a live run's faults are listed, never touched,
// unless `force`. Ledger lines it cannot use are returned as problems, for the caller to print.
import type { Clock } from '../clock.ts';
import { mapWithLimit } from '../concurrency/map-with-limit.ts';
import type { RecoveryScope } from '../faults/fault-driver.ts';
import { describeUndo, outOfReach } from '../faults/undo-handlers.ts';
import type { RevertContext, UndoRecord } from '../faults/undo-record.ts';
import type { FaultLedger, LedgerOpen, LedgerProblem } from './fault-ledger.ts';
import { createRunJudge, type LeaseLookup } from './recover-evidence.ts';
import { findMarkedFaults, type MarkedFault } from './recover-marks.ts';
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

/** How many faults are reverted at once. */
const revertsAtOnce = 8;

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
  const reverter = createReverter(options, judge);
  for (const record of await revertEntries(entries, options, reverter, result)) record();
  const handled = new Set(entries.map((entry) => JSON.stringify(entry.open.undo)));
  const urls = [
    ...options.scope.toxiproxyUrls,
    ...entries.flatMap((e) => ('url' in e.open.undo ? [e.open.undo.url] : [])),
  ];
  const marked = await findMarkedFaults(context, urls, options.scope.nodeCordons, judge);
  result.scanErrors.push(...marked.scanErrors);
  const found = marked.found.filter(
    ({ runId, undo }) =>
      !handled.has(JSON.stringify(undo)) && (!options.onlyRuns || options.onlyRuns.has(runId)),
  );
  for (const record of await revertMarked(found, options, reverter, result)) record();
  return result;
}

type Reverter = ReturnType<typeof createReverter>;

// Whether a run's fault may be reverted (its run is gone, or --force), and the revert itself.
function createReverter(options: RecoverOptions, judge: ReturnType<typeof createRunJudge>) {
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
  ): Promise<RecoveredItem> => {
    const forced = decision.alive ? { forced: true } : {};
    if (options.dryRun) {
      const item = { runId, undo, description: describeUndo(undo), source, why: decision.why };
      return { ...item, ok: true, detail: 'would revert', ...forced };
    }
    const report = await revertWithRetry(undo, options.context, { timeoutMs: options.timeoutMs });
    if (report.ok) await close?.(report.outcome);
    return { ...itemOf(runId, undo, source, report, decision.why), ...forced };
  };
  return { mayRevert, revert };
}

// One fault, one revert: the copy in the ledger file and the one in the cluster ledger are the
// same entry, reverted once and closed in both. Different faults are reverted at once (each
// revert is idempotent and stands alone): a guard's dead run is put back in the time of its
// slowest revert. Returns what to record, in the entries' order.
function revertEntries(
  entries: readonly ExternalEntry[],
  options: RecoverOptions,
  { mayRevert, revert }: Reverter,
  result: RecoverResult,
): Promise<(() => void)[]> {
  const copies = new Map<string, ExternalEntry[]>();
  for (const entry of entries) copies.set(entry.open.entry, [...(copies.get(entry.open.entry) ?? []), entry]);
  return mapWithLimit([...copies.values()], revertsAtOnce, async (same) => {
    const [entry] = same as [ExternalEntry, ...ExternalEntry[]];
    const { runId, undo } = entry.open;
    const source = options.external?.includes(entry) ? 'cluster' : 'ledger';
    const decision = await mayRevert(runId);
    if (!decision.revert)
      return () => result.live.push({ runId, description: describeUndo(undo), source, why: decision.why });
    const elsewhere = outOfReach(undo, options.context);
    if (elsewhere)
      return () =>
        result.leftAlone.push({ entry: entry.open, description: describeUndo(undo), reason: elsewhere });
    const closeAll = async (outcome: 'reverted' | 'already-gone') => {
      for (const copy of same) await copy.close(outcome);
    };
    const item = await revert(runId, undo, source, decision, closeAll);
    return () => result.items.push(item);
  });
}

// Faults found only by their marks, reverted at once too; a gone run's claim is removed quietly.
function revertMarked(
  found: readonly MarkedFault[],
  options: RecoverOptions,
  { mayRevert, revert }: Reverter,
  result: RecoverResult,
): Promise<(() => void)[]> {
  return mapWithLimit(found, revertsAtOnce, async ({ runId, undo, claim }) => {
    const decision = await mayRevert(runId);
    if (claim) {
      // A harmless toxic; a live run's claim is its own business.
      if (decision.revert && !decision.alive && !options.dryRun && undo.kind === 'toxic')
        await options.context
          .toxiproxy(undo.url)
          .removeToxic(undo.proxy, undo.toxic)
          .catch(() => false);
      return () => {};
    }
    if (!decision.revert)
      return () =>
        result.live.push({ runId, description: describeUndo(undo), source: 'mark', why: decision.why });
    const item = await revert(runId, undo, 'mark', decision);
    return () => result.items.push(item);
  });
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
