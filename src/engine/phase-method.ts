import type { ActionEffect } from '../faults/fault-driver.ts';
import type { FollowUps } from './follow-ups.ts';
import { createFollowUps, describeEffect } from './follow-ups.ts';
import type { JournalAction } from './journal.ts';
import { createMethodClock, type MethodClock } from './method-clock.ts';
import { runFaultTimeline } from './method-faults.ts';
import { watchForHalt } from './method-halt.ts';
import { sampleEvery, sampleStepAt } from './method-probes.ts';
import { abortReason, type RunState } from './run-state.ts';
import { planTimeline } from './timeline.ts';

// Method: a small scheduler. Every fault runs its own timeline (injections, rounds, timed reverts),
// every hypothesis probe and abort condition is sampled on its own, every step waits for its
// offset, and a timer ends the method after its duration. None waits for another; the first stop
// (a deviation, an abort condition, a failed injection, Ctrl-C) ends them all at once.
export async function runMethod(state: RunState): Promise<FollowUps> {
  const { request, runtime, journal } = state;
  const spec = request.experiment.spec;
  state.phase = 'method';
  const method = createMethodClock(state, runtime.clock);
  const onAbort = () =>
    method.stop({ verdict: 'aborted', reason: abortReason(request.signal as AbortSignal) });
  if (request.signal?.aborted) onAbort();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const toldEffects = new Set<string>();
  // Pods of one owner share one outcome: it is told once per fault, round and owner.
  const tellEffect = (fault: string, recorded: JournalAction, effect: ActionEffect) => {
    const key = `${fault}/${recorded.round ?? 0}/${effect.detail}`;
    if (toldEffects.has(key)) return;
    toldEffects.add(key);
    const told = describeEffect(fault, effect);
    state.emit(told.type, told.message, { fault });
  };
  const followUps = createFollowUps({
    signal: request.signal,
    onEffect: tellEffect,
    onFailure: (_fault, reason) => method.stop({ verdict: 'error', reason }),
  });
  const timeline = planTimeline(spec.faults, journal.settings.durationMs);
  journal.methodStartedAt = runtime.clock.now();
  state.emit('phase', `method started: ${timeline.length} faults over ${spec.duration}`);
  const inARow = new Map<string, number>();
  try {
    await Promise.all([
      ...timeline.map((item) => runFaultTimeline(state, item, method, followUps)),
      ...spec.hypothesis.probes.map((probe) => sampleEvery(state, probe, 'hypothesis', method, inARow)),
      ...(spec.abortWhen ?? []).map((probe) => sampleEvery(state, probe, 'abort', method, inARow)),
      ...(spec.steps ?? []).map((step) => sampleStepAt(state, step, method)),
      watchForHalt(state, method),
      endAt(state, method),
    ]);
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
  }
  await followUps.stopSettles(); // a drain still going ends here, before its node is uncordoned
  journal.methodEndedAt = runtime.clock.now();
  state.emit('phase', state.stop ? `method stopped: ${state.stop.reason}` : 'method finished');
  return followUps;
}

// The method ends after its duration — or earlier, if the run would otherwise hold its faults past
// its deadline (a late start): its marks promise any other runner that it never does.
async function endAt(state: RunState, method: MethodClock): Promise<void> {
  const { journal } = state;
  const latest =
    state.faultContext.deadline - journal.settings.revertTimeoutMs - 10_000 - state.runtime.clock.now();
  const endMs = Math.min(journal.settings.durationMs, method.elapsed() + latest);
  if (!(await method.until(endMs))) return;
  if (endMs < journal.settings.durationMs)
    method.stop({ verdict: 'aborted', reason: 'the run reached its deadline before the end of its method' });
  else method.end();
}
