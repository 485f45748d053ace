import { cordonAnnotation } from '../adapters/kubernetes.ts';
import type { Clock } from '../clock.ts';
import type { RecoveryScope } from '../faults/fault-driver.ts';
import { faultMarkPrefix, runIdFromMark } from '../faults/fault-marks.ts';
import { describeUndo, outOfReach } from '../faults/undo-handlers.ts';
import type { RevertContext, UndoRecord } from '../faults/undo-record.ts';
import type { FaultLedger, LedgerOpen, LedgerProblem } from './fault-ledger.ts';
import { isProcessAlive } from './process-alive.ts';
import { revertWithRetry } from './revert-with-retry.ts';

export type RecoveredItem = {
  undo: UndoRecord;
  description: string;
  source: 'ledger' | 'mark';
  ok: boolean;
  detail: string;
};
export type RecoverResult = {
  items: RecoveredItem[];
  skippedLive: LedgerOpen[];
  /** Entries whose target this runner must not touch (another cluster): left open, for a runner that can. */
  leftAlone: { entry: LedgerOpen; description: string; reason: string }[];
  scanErrors: string[];
  /** Ledger lines that could not be used (file:line, why): never reverted, never retried. Those with
   *  an `entry` are open entries this Faultline cannot revert (an unknown undo kind). */
  problems: LedgerProblem[];
};

// Reverts every open ledger entry of a run that is no longer alive, then every orphan found by its
// marks: toxics named faultline-<runId>-... on the given Toxiproxy servers and nodes annotated with
// the run that cordoned them. Entries of a live run on this host (another faultline still running)
// are left to that run. Ledger lines it cannot use are returned as problems, for the caller to print.
export async function recoverFaults(options: {
  ledger: FaultLedger;
  context: RevertContext & { clock: Clock };
  /** Where to look for orphans by their marks (see recoveryScopeOf). */
  scope: RecoveryScope;
  timeoutMs: number;
  currentRunId?: string;
}): Promise<RecoverResult> {
  const { ledger, context } = options;
  const items: RecoveredItem[] = [];
  const scanErrors: string[] = [];
  const { open, problems } = ledger.read();
  const liveRuns = new Set(
    open.filter((e) => e.runId !== options.currentRunId && isProcessAlive(e)).map((e) => e.runId),
  );
  const skippedLive = open.filter((e) => liveRuns.has(e.runId));
  const handled = new Set<string>();
  const leftAlone: RecoverResult['leftAlone'] = [];
  for (const entry of open.filter((e) => !liveRuns.has(e.runId))) {
    const elsewhere = outOfReach(entry.undo, context);
    if (elsewhere) {
      leftAlone.push({ entry, description: describeUndo(entry.undo), reason: elsewhere });
      continue;
    }
    const report = await revertWithRetry(entry.undo, context, { timeoutMs: options.timeoutMs });
    if (report.ok) ledger.close(entry.entry, report.outcome);
    handled.add(JSON.stringify(entry.undo));
    items.push({
      undo: entry.undo,
      description: describeUndo(entry.undo),
      source: 'ledger',
      ok: report.ok,
      detail: report.ok ? report.outcome : report.lastError,
    });
  }
  const orphans: UndoRecord[] = [];
  for (const url of new Set([
    ...options.scope.toxiproxyUrls,
    ...open.flatMap((e) => ('url' in e.undo ? [e.undo.url] : [])),
  ])) {
    try {
      for (const proxy of await context.toxiproxy(url).listProxies()) {
        for (const toxic of proxy.toxics.filter((t) => t.name.startsWith(faultMarkPrefix))) {
          const runId = runIdFromMark(toxic.name);
          if (runId && liveRuns.has(runId)) continue;
          orphans.push({
            kind: 'toxic',
            url: context.toxiproxy(url).url,
            proxy: proxy.name,
            toxic: toxic.name,
          });
        }
      }
    } catch (error) {
      scanErrors.push(`could not scan ${url} for orphan toxics: ${(error as Error).message}`);
    }
  }
  if (options.scope.nodeCordons) {
    try {
      // Only cordoned nodes, selected by the server: a cluster of thousands answers with a few.
      for (const node of await context.kubernetes().listNodes(undefined, 'spec.unschedulable=true')) {
        const runId = node.annotations[cordonAnnotation];
        if (runId === undefined || liveRuns.has(runId)) continue;
        orphans.push({
          kind: 'node-cordoned',
          node: node.name,
          runId,
          cluster: context.kubernetes().cluster,
        });
      }
    } catch (error) {
      scanErrors.push(`could not scan nodes for orphan cordons: ${(error as Error).message}`);
    }
  }
  for (const undo of orphans.filter((o) => !handled.has(JSON.stringify(o)))) {
    const report = await revertWithRetry(undo, context, { timeoutMs: options.timeoutMs });
    items.push({
      undo,
      description: describeUndo(undo),
      source: 'mark',
      ok: report.ok,
      detail: report.ok ? report.outcome : report.lastError,
    });
  }
  return { items, skippedLive, leftAlone, scanErrors, problems };
}
