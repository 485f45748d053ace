import type { FollowUps } from './follow-ups.ts';
import { revertInPlace } from './method-faults.ts';
import type { RunState } from './run-state.ts';

// Revert: every fault this run injected and that is still in place, whatever happened, all at
// once. Returns whether something could not be reverted.
export async function revertEverything(state: RunState, followUps: FollowUps): Promise<boolean> {
  state.phase = 'revert';
  const why = state.stop ? 'the run stopped' : 'the method ended';
  await Promise.all([...state.injected.values()].map((entry) => revertInPlace(state, entry, why, followUps)));
  return state.journal.faults.some((fault) => fault.actions.some((action) => action.revert === 'failed'));
}
