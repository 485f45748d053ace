// Asks the API server to check, without persisting anything (dryRun=All), the deletions, evictions
// and cordons a plan would make, so RBAC and PodDisruptionBudget problems show before the run:
// every eviction and cordon, and one deletion per owner of the pods a kill picked.
import { AdapterError } from '../adapters/adapter-error.ts';
import type { EvictionResult } from '../adapters/kubernetes.ts';
import { mapWithLimit } from '../concurrency/map-with-limit.ts';
import type { RateGate } from '../concurrency/rate-gate.ts';

export type DryRunAction = 'delete' | 'evict' | 'cordon' | 'patch';

export type DryRunCheck = {
  fault: string;
  action: DryRunAction;
  namespace?: string;
  name: string;
  /** gone: the object went away between the listing and the check (a controller replaced it). */
  outcome: 'ok' | 'forbidden' | 'blocked' | 'gone' | 'failed';
  message?: string;
  podDisruptionBudget?: string;
  /**
   * The other pods, in the same namespace, this one check speaks for: a pod kill checks one
   * deletion per owner (pods-by-owner.ts), since RBAC and admission answer alike for its pods.
   */
  standsFor?: string[];
};

const concurrency = 16;

/** One request `plan` sends with dryRun=All; each fault driver says which (fault-driver.ts). */
export type DryRunRequest = Omit<DryRunCheck, 'outcome' | 'message' | 'podDisruptionBudget'> & {
  send: () => Promise<EvictionResult | undefined>;
};

// An unreachable server ends the plan (it is thrown); every other answer is a result to show.
async function send(request: DryRunRequest): Promise<DryRunCheck> {
  const { send: _send, ...check } = request;
  try {
    const eviction = await request.send();
    if (eviction?.outcome === 'blocked') {
      const budget = eviction.podDisruptionBudget;
      return {
        ...check,
        outcome: 'blocked',
        message: budget
          ? `blocked by PodDisruptionBudget ${budget} (${eviction.message.replace(/^the disruption budget \S+ /i, '')})`
          : eviction.message,
        ...(budget ? { podDisruptionBudget: budget } : {}),
      };
    }
    return { ...check, outcome: 'ok' };
  } catch (error) {
    if (!(error instanceof AdapterError) || error.failure === 'unreachable' || error.failure === 'timeout')
      throw error;
    if (error.failure === 'forbidden')
      return { ...check, outcome: 'forbidden', message: `RBAC: ${error.message}` };
    if (error.failure === 'not-found') return { ...check, outcome: 'gone', message: 'no longer exists' };
    return { ...check, outcome: 'failed', message: error.message };
  }
}

// Each request is checked on its own: the server does not add up the disruptions of several
// dry-run evictions, so a budget that allows one eviction passes each of two. `apiGate` (from
// spec.safety.apiRate) paces them as it paces the run's own deletions and evictions.
export function sendDryRuns(requests: readonly DryRunRequest[], apiGate?: RateGate): Promise<DryRunCheck[]> {
  return mapWithLimit(requests, concurrency, async (request) => {
    await apiGate?.();
    return send(request);
  });
}
