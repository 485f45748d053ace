// Whether a run can still be alive, from whatever a runner can see of it: its Lease in the cluster,
// its deadline (carried by its marks and ledger entries), the process that wrote its ledger
// entries. A fault is reverted by anyone but its own run only once that run is gone. Pure.
import type { ProcessState } from './process-identity.ts';

export type LeaseState = 'live' | 'expired' | 'absent';

export type RunEvidence = {
  /** The run's Lease, when a cluster was asked; undefined when none could be. */
  lease?: LeaseState;
  /** Whether the run registered in that cluster (its Kubernetes faults and ledger entries say so). */
  registered?: boolean;
  /** Epoch ms: the run's deadline, from its marks or ledger entries. */
  deadline?: number;
  /** The process that wrote its ledger entries, when a ledger this runner reads has them. */
  process?: ProcessState;
  /** The run is this runner's own, or one this runner is the guard of. */
  own?: boolean;
};

export type Judgement = { alive: boolean; why: string };

export function judgeRun(evidence: RunEvidence, now: number): Judgement {
  if (evidence.own) return { alive: false, why: 'this runner reverts it' };
  // Seen on its own host, a process that is gone outranks a Lease not yet expired (kill -9).
  if (evidence.process === 'gone') return { alive: false, why: 'the process that ran it is gone' };
  if (evidence.lease === 'live') return { alive: true, why: 'its Lease is being renewed' };
  if (evidence.lease === 'expired') return { alive: false, why: 'its Lease expired' };
  if (evidence.deadline !== undefined && now > evidence.deadline)
    return { alive: false, why: `its deadline passed (${new Date(evidence.deadline).toISOString()})` };
  if (evidence.process === 'alive') return { alive: true, why: 'its process still runs on this host' };
  if (evidence.lease === 'absent' && evidence.registered)
    return { alive: false, why: 'it registered in the cluster and its Lease is gone' };
  if (evidence.deadline !== undefined)
    return { alive: true, why: `its deadline has not passed (${new Date(evidence.deadline).toISOString()})` };
  if (evidence.process === 'elsewhere')
    return { alive: true, why: 'it runs on another host, with no deadline known' };
  return { alive: false, why: 'nothing says it is alive (no Lease, no deadline, no process)' };
}
