import { runIdAfter } from '../run-id.ts';

// What a Toxiproxy fault carries, so that any runner — without the ledger of the run that made it —
// can tell whose it is and whether that run can still be alive: the run id and the run's deadline
// (its planned end plus grace; a run never holds a fault past it). Kubernetes faults carry the run
// id (a node annotation, a workload label); their run's liveness is its Lease in the same cluster.
//   faultline-<runId>-d<deadline, epoch s>-<fault>            a toxic
//   faultline-<runId>-d<deadline>-<fault>.partition            beside a partition (a disabled proxy
//                                                              cannot be named, so this harmless
//                                                              toxic of toxicity 0 says whose it is)
//   faultline-<runId>-d<deadline>-<experiment>.claim           a run's claim on a proxy it targets
// Older marks, faultline-<runId>-<fault>, carry no deadline.
export const faultMarkPrefix = 'faultline-';

export type MarkRole = 'fault' | 'partition' | 'claim';

export type Mark = { runId: string; deadline: number | undefined; name: string; role: MarkRole };

export function markName(mark: { runId: string; deadline: number; name: string; role?: MarkRole }): string {
  const role = mark.role === undefined || mark.role === 'fault' ? '' : `.${mark.role}`;
  return `${faultMarkPrefix}${mark.runId}-d${Math.ceil(mark.deadline / 1000)}-${mark.name}${role}`;
}

export function parseMark(text: string): Mark | undefined {
  const runId = runIdAfter(faultMarkPrefix, text);
  if (!runId) return undefined;
  const rest = text.slice(faultMarkPrefix.length + runId.length + 1);
  const dated = /^d(\d{9,11})-(.+)$/.exec(rest);
  const body = dated?.[2] ?? rest;
  const role = /\.(partition|claim)$/.exec(body)?.[1] as MarkRole | undefined;
  return {
    runId,
    deadline: dated?.[1] === undefined ? undefined : Number(dated[1]) * 1000,
    name: role ? body.slice(0, -(role.length + 1)) : body,
    role: role ?? 'fault',
  };
}

export function runIdFromMark(name: string): string | undefined {
  return parseMark(name)?.runId;
}
