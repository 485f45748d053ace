// Faults found by their marks, without any ledger: toxics (and partition marks, and run claims) named
// with a run id and a deadline on the Toxiproxy servers, nodes annotated with the run that cordoned
// them. Each is returned with its run, so recovery reverts only those of runs that are gone.
import { cordonAnnotation } from '../adapters/kubernetes.ts';
import { faultMarkPrefix, parseMark } from '../faults/fault-marks.ts';
import type { RevertContext, UndoRecord } from '../faults/undo-record.ts';
import type { RunJudge } from './recover-evidence.ts';

/** `claim`: a run's claim on a proxy, not a fault: removed once its run is gone, never listed. */
export type MarkedFault = { runId: string; undo: UndoRecord; claim?: boolean };

export async function findMarkedFaults(
  context: RevertContext,
  toxiproxyUrls: readonly string[],
  nodeCordons: boolean,
  judge: RunJudge,
): Promise<{ found: MarkedFault[]; scanErrors: string[] }> {
  const found: MarkedFault[] = [];
  const scanErrors: string[] = [];
  for (const url of new Set(toxiproxyUrls)) {
    try {
      const toxiproxy = context.toxiproxy(url);
      for (const proxy of await toxiproxy.listProxies()) {
        for (const toxic of proxy.toxics.filter((t) => t.name.startsWith(faultMarkPrefix))) {
          const mark = parseMark(toxic.name);
          if (!mark) continue;
          judge.addMark(mark.runId, { deadline: mark.deadline });
          const at = { url: toxiproxy.url, proxy: proxy.name };
          const undo: UndoRecord =
            mark.role === 'partition'
              ? { kind: 'proxy-disabled', ...at, marker: toxic.name }
              : { kind: 'toxic', ...at, toxic: toxic.name };
          found.push({ runId: mark.runId, undo, ...(mark.role === 'claim' ? { claim: true } : {}) });
        }
      }
    } catch (error) {
      scanErrors.push(`could not scan ${url} for marked toxics: ${(error as Error).message}`);
    }
  }
  if (nodeCordons) {
    try {
      const kubernetes = context.kubernetes();
      // Only cordoned nodes, selected by the server: a cluster of thousands answers with a few.
      for (const node of await kubernetes.listNodes(undefined, 'spec.unschedulable=true')) {
        const runId = node.annotations[cordonAnnotation];
        if (runId === undefined) continue;
        judge.addMark(runId, { registered: true });
        found.push({
          runId,
          undo: { kind: 'node-cordoned', node: node.name, runId, cluster: kubernetes.cluster },
        });
      }
    } catch (error) {
      scanErrors.push(`could not scan nodes for marked cordons: ${(error as Error).message}`);
    }
  }
  return { found, scanErrors };
}
