// The faults' part of the method: each fault on its own timeline (inject at its start, a new round
// every `every`, revert at its end), never waiting for probes or for other faults.
import { blastRadiusOf, prepareFault, selectFault } from '../faults/fault-drivers.ts';
import { describeUndo } from '../faults/undo-handlers.ts';
import { checkSafety } from '../selection/safety.ts';
import type { FollowUps } from './follow-ups.ts';
import { injectActions } from './inject-actions.ts';
import type { JournalFault } from './journal.ts';
import type { MethodClock } from './method-clock.ts';
import { selectContextOf } from './phase-plan.ts';
import { isRevertPending, revertFault } from './revert-fault.ts';
import { recordOpen } from './run-presence.ts';
import type { InjectedFault, RunState } from './run-state.ts';
import { nextRoundAt, type TimelineItem } from './timeline.ts';

export async function runFaultTimeline(
  state: RunState,
  item: TimelineItem,
  method: MethodClock,
  followUps: FollowUps,
): Promise<void> {
  const { durationMs } = state.journal.settings;
  for (let round = 0; ; round++) {
    const due = nextRoundAt(item, round, method.elapsed(), durationMs);
    if (due === undefined) break;
    if (!(await method.until(due))) return;
    const injected = await injectRound(state, item, round, method, followUps);
    if (!injected || method.signal.aborted) return;
  }
  if (item.endMs === undefined || !(await method.until(item.endMs))) return;
  const entry = state.injected.get(item.fault.name);
  if (entry) await revertInPlace(state, entry, 'its duration ended', followUps);
}

// Reverts what is in place of one fault, once: a revert already running is waited for, not doubled.
export async function revertInPlace(
  state: RunState,
  entry: InjectedFault,
  why: string,
  followUps: FollowUps,
): Promise<void> {
  entry.reverting ??= (async () => {
    await followUps.stopSettles(entry.fault.name); // a drain still going ends before its node is uncordoned
    await revertFault(entry.record, why, state);
  })();
  await entry.reverting;
  // Actions injected after the first revert began (an injection that was in flight) go too.
  if (entry.record.actions.some(isRevertPending)) await revertFault(entry.record, why, state);
}

function journalEntryOf(state: RunState, item: TimelineItem): InjectedFault {
  const name = item.fault.name;
  let entry = state.injected.get(name);
  if (!entry) {
    const record: JournalFault = {
      name,
      kind: item.fault.kind,
      startMs: item.startMs,
      endMs: item.endMs,
      ...(item.everyMs === undefined ? {} : { everyMs: item.everyMs, rounds: 0 }),
      actions: [],
    };
    state.journal.faults.push(record);
    entry = { fault: item.fault, record };
    state.injected.set(name, entry);
  }
  return entry;
}

// One round of a fault: targets picked now, the safety limits checked on everything the run has
// hit with this round added, each action's undo in the ledger before its inject, then its
// follow-ups in the background. Returns false when the run must stop.
async function injectRound(
  state: RunState,
  item: TimelineItem,
  round: number,
  method: MethodClock,
  followUps: FollowUps,
): Promise<boolean> {
  const { fault } = item;
  const name = fault.name;
  try {
    const plan = await selectFault(fault, selectContextOf(state, round));
    const radius = blastRadiusOf(fault, plan);
    const violations = checkSafety([...state.hit, radius], state.request.experiment.spec.safety);
    if (violations.length > 0) {
      const reason = `safety limit reached before round ${round + 1} of ${name}: ${violations.map((v) => v.message).join('; ')}`;
      state.emit('safety-violation', reason, { fault: name });
      method.stop({ verdict: 'aborted', reason });
      return false;
    }
    state.hit.push(radius);
    const actions = await prepareFault(fault, plan, state.faultContext, round);
    const entry = journalEntryOf(state, item);
    if (entry.record.rounds !== undefined) entry.record.rounds = round + 1;
    const injected = await injectActions(actions, {
      ledger: state.runtime.ledger,
      entryFacts: {
        deadline: state.faultContext.deadline,
        ...(state.presence?.lease ? { registered: true } : {}),
      },
      recordElsewhere: (lines) => recordOpen(state, lines),
      runId: state.request.runId,
      experiment: state.request.experiment.metadata.name,
      fault: entry.record,
      round: item.everyMs === undefined ? undefined : round,
      now: state.runtime.clock.now,
      signal: method.signal,
      ...(state.faultContext.apiGate ? { apiGate: state.faultContext.apiGate } : {}),
      onInjected: (action, recorded) => {
        state.emit('injected', `${name}: ${describeUndo(action.undo)}`, { fault: name });
        followUps.start(name, action, recorded);
      },
    });
    if (injected < actions.length)
      state.emit(
        'inject-shortfall',
        `${name}: ${injected} of ${actions.length} injected before the method stopped; the rest were never sent`,
        { fault: name },
      );
    return true;
  } catch (error) {
    const message = (error as Error).message;
    state.emit('inject-failed', `${name}: ${message}`, { fault: name });
    method.stop({ verdict: 'error', reason: `could not inject ${name}: ${message}` });
    return false;
  }
}
