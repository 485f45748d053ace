// The emergency stop seen from inside a run: once per sampling interval the halt marker is read
// where this run's targets live (its cluster, its Toxiproxy servers); a halt ends the method at once.
import { recoveryScopeOf } from '../faults/fault-drivers.ts';
import { readHalt } from '../registry/halt.ts';
import type { MethodClock } from './method-clock.ts';
import { runLeases } from './run-leases.ts';
import type { RunState } from './run-state.ts';

export async function watchForHalt(state: RunState, method: MethodClock): Promise<void> {
  const { runtime, request, journal } = state;
  const scope = recoveryScopeOf(request.experiment.spec.faults);
  const places = {
    leases: runLeases(scope, runtime),
    toxiproxies: scope.toxiproxyUrls.map(runtime.toxiproxy),
  };
  if (!places.leases && places.toxiproxies.length === 0) return;
  for (let due = journal.settings.everyMs; await method.until(due); due += journal.settings.everyMs) {
    const { halt } = await readHalt(places);
    if (halt) {
      const { reason, by } = halt;
      method.stop({ verdict: 'aborted', reason: `halted by ${by}: ${reason}` });
      return;
    }
  }
}
