// A run's presence where its targets live, from before its first inject until it ends: its Lease in
// the cluster (renewed every few seconds; its ledger written there before each inject) when it has
// Kubernetes faults, and its claims on the Toxiproxy proxies it targets. Released at the end only
// when every fault was reverted; otherwise it is left to expire, so another runner finishes the job.

import type { RecoveryScope } from '../faults/fault-driver.ts';
import type { LedgerOpen } from '../ledger/ledger-lines.ts';
import { currentProcess } from '../ledger/process-identity.ts';
import { createRunLease, type RunLease, runLeaseSeconds } from '../registry/run-lease.ts';
import type { Target } from '../registry/targets.ts';
import { claimName, type ProxyTarget, placeClaims, removeClaims } from '../registry/toxiproxy-claims.ts';
import { runLeases } from './run-leases.ts';
import type { Presence, RunState } from './run-state.ts';

export async function announceRun(
  state: RunState,
  targets: Target[],
  scope: RecoveryScope,
): Promise<Presence> {
  const { request, runtime, journal } = state;
  const stop = new AbortController();
  const deadline = state.faultContext.deadline;
  const claim = claimName(request.runId, deadline, request.experiment.metadata.name);
  let lease: RunLease | undefined;
  const leases = runLeases(scope, runtime);
  if (leases) {
    lease = createRunLease(
      leases,
      {
        runId: request.runId,
        ...currentProcess(),
        experiment: request.experiment.metadata.name,
        deadline,
        targets,
      },
      runtime.clock.now,
    );
    await lease.announce();
    void keepRenewing(state, lease, stop.signal);
  }
  const presence: Presence = { lease, claim, claimed: [], stop };
  state.presence = presence;
  const proxies = targets.filter((t): t is ProxyTarget => t.kind === 'proxy');
  presence.claimed = await placeClaims(runtime.toxiproxy, proxies, claim);
  journal.registry = {
    ...(lease ? { lease: `${runtime.leases?.().namespace}/${lease.name}` } : {}),
    claims: presence.claimed.map((t) => `${t.proxy} at ${t.url}`),
  };
  return presence;
}

// A renewal that fails is retried at the next beat; the Lease expires only if the run cannot reach
// the cluster for its whole duration, and then the run is rightly judged gone by others.
async function keepRenewing(state: RunState, lease: RunLease, signal: AbortSignal) {
  const beatMs = (runLeaseSeconds * 1000) / 3;
  while (!signal.aborted) {
    await state.runtime.clock.sleep(beatMs, signal);
    if (signal.aborted) return;
    try {
      await lease.renew();
    } catch (error) {
      state.emit('recover-scan-failed', `could not renew the run's Lease: ${(error as Error).message}`);
    }
  }
}

// What the ledger records before an inject goes to the cluster too, before the inject.
export async function recordOpen(state: RunState, lines: readonly LedgerOpen[]): Promise<void> {
  await state.presence?.lease?.recordOpen(lines);
}

export async function recordClose(state: RunState, entry: string): Promise<void> {
  await state.presence?.lease?.recordClose(entry);
}

export async function releaseRun(state: RunState, everythingReverted: boolean): Promise<void> {
  const presence = state.presence;
  if (!presence) return;
  presence.stop.abort();
  if (!everythingReverted) {
    state.emit(
      'recover-scan-failed',
      'the run keeps its Lease and claims until they expire: something was left behind',
    );
    return;
  }
  try {
    await removeClaims(state.runtime.toxiproxy, presence.claimed, presence.claim);
    await presence.lease?.release();
  } catch (error) {
    state.emit(
      'recover-scan-failed',
      `could not remove the run's Lease or claims: ${(error as Error).message}`,
    );
  }
}
