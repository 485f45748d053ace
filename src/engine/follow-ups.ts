import type { ActionEffect, FaultAction, SettleResult } from '../faults/fault-driver.ts';
import type { EventType, JournalAction } from './journal.ts';

export type FollowUps = {
  /** Starts the action's settle and observe, if it has them, in the background. */
  start(fault: string, action: FaultAction, recorded: JournalAction): void;
  /** Stops the settles of one fault (all when omitted) and waits until their results are in. */
  stopSettles(fault?: string): Promise<void>;
  /** Stops every observation still going and waits until their results are in. */
  stopObservations(): Promise<void>;
};

type Running = { controller: AbortController; pending: Set<Promise<void>> };

// The background half of injected faults: settles (a drain's evictions; a failure stops the run)
// and observations (a killed pod's owner Ready again; never fails the run). Their results go to
// the journal as the action's effect. The run's signal stops them all.
export function createFollowUps(options: {
  signal?: AbortSignal;
  onEffect: (fault: string, recorded: JournalAction, effect: ActionEffect) => void;
  onFailure: (fault: string, reason: string) => void;
}): FollowUps {
  const settles = new Map<string, Running>();
  const observations: Running = { controller: new AbortController(), pending: new Set() };
  const signalOf = (controller: AbortController) =>
    options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
  const track = (running: Running, work: Promise<void>) => {
    const tracked = work.finally(() => running.pending.delete(tracked));
    running.pending.add(tracked);
  };
  const stop = async (running: Running | undefined) => {
    if (!running) return;
    running.controller.abort();
    while (running.pending.size > 0) await Promise.all([...running.pending]);
  };

  return {
    start(fault, action, recorded) {
      if (action.settle) {
        let running = settles.get(fault);
        if (!running) {
          running = { controller: new AbortController(), pending: new Set() };
          settles.set(fault, running);
        }
        const settled = action.settle(signalOf(running.controller)).catch((error): SettleResult => {
          const message = `${action.target}: ${(error as Error).message}`;
          return { effect: { outcome: 'failed', detail: message }, failure: message };
        });
        track(
          running,
          settled.then((result) => {
            recorded.effect = result.effect;
            options.onEffect(fault, recorded, result.effect);
            if (result.failure) options.onFailure(fault, result.failure);
          }),
        );
      }
      if (action.observe) {
        const observed = action
          .observe(signalOf(observations.controller))
          .catch((error): ActionEffect => ({ outcome: 'not-measured', detail: (error as Error).message }));
        track(
          observations,
          observed.then((effect) => {
            recorded.effect = effect;
            options.onEffect(fault, recorded, effect);
          }),
        );
      }
    },
    async stopSettles(fault) {
      const names = fault === undefined ? [...settles.keys()] : [fault];
      await Promise.all(names.map((name) => stop(settles.get(name))));
    },
    stopObservations: () => stop(observations),
  };
}

const effectEvents: Record<ActionEffect['outcome'], EventType> = {
  ready: 'owner-ready',
  'not-ready': 'owner-not-ready',
  'not-measured': 'not-measured',
  drained: 'drained',
  blocked: 'drain-blocked',
  failed: 'drain-failed',
  stopped: 'drain-stopped',
  'rolled-out': 'rolled-out',
};

// The journal event telling an effect: "kill: Deployment/checkout fully Ready again (3/3 Ready) (812 ms after the inject)".
export function describeEffect(fault: string, effect: ActionEffect): { type: EventType; message: string } {
  const after = effect.afterMs === undefined ? '' : ` (${effect.afterMs} ms after the inject)`;
  return { type: effectEvents[effect.outcome], message: `${fault}: ${effect.detail}${after}` };
}
