import { runIdAfter } from '../run-id.ts';

export const faultMarkPrefix = 'faultline-';

// Toxic names carry the run id, so an orphan can be traced to its run: faultline-<runId>-<fault>.
export function markedName(runId: string, fault: string): string {
  return `${faultMarkPrefix}${runId}-${fault}`;
}

export function runIdFromMark(name: string): string | undefined {
  return runIdAfter(faultMarkPrefix, name);
}
