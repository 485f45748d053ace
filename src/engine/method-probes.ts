// The probes' part of the method: each hypothesis probe and each abort condition sampled on its own
// every `during.every` (a slow probe never delays another, nor a fault), and each step once at its
// offset. A sample still running when the next one is due delays only its own probe's next one.
import { parseDuration } from '../experiment/duration.ts';
import type { ProbeSpec, StepSpec } from '../experiment/schema.ts';
import { judgeSamples } from '../hypothesis/judge-samples.ts';
import type { ProbeRole } from './journal.ts';
import type { MethodClock } from './method-clock.ts';
import type { RunState } from './run-state.ts';

export async function sampleEvery(
  state: RunState,
  probe: ProbeSpec,
  role: Extract<ProbeRole, 'hypothesis' | 'abort'>,
  method: MethodClock,
  inARow: Map<string, number>,
): Promise<void> {
  const { everyMs, failAfter } = state.journal.settings;
  let due = everyMs;
  while (await method.until(due)) {
    const [sample] = await state.sample([probe], role, method.signal);
    if (!sample) return; // the method ended while it was being taken
    const judged =
      role === 'abort'
        ? judgeSamples([], [sample], inARow, failAfter)
        : judgeSamples([sample], [], inARow, failAfter);
    if (judged.abortedBy) {
      const s = judged.abortedBy;
      state.emit('abort-condition', `${s.probe}: ${s.outcome}: ${s.detail}`, { probe: s.probe });
      method.stop({ verdict: 'aborted', reason: `abort condition ${s.probe} (${s.outcome}: ${s.detail})` });
    }
    for (const { sample: s, inARow: count } of judged.failed) {
      state.journal.firstDeviation ??= { probe: s.probe, at: s.at + s.durationMs, detail: s.detail };
      state.emit(
        'probe-failed',
        `${s.probe}: ${s.outcome}: ${s.detail} (${count} of ${failAfter} in a row)`,
        {
          probe: s.probe,
        },
      );
    }
    if (judged.deviated) {
      const { sample: s, inARow: count } = judged.deviated;
      method.stop({
        verdict: 'deviated',
        reason: `${s.probe} deviated ${count} times in a row: ${s.detail}`,
      });
    }
    // The next tick on the grid; when this sample overran it, at once (missed ticks are not made up).
    due = Math.max(due + everyMs, method.elapsed());
  }
}

export async function sampleStepAt(state: RunState, step: StepSpec, method: MethodClock): Promise<void> {
  if (!(await method.until(parseDuration(step.at)))) return;
  const [sample] = await state.sample([step], 'step', method.signal);
  if (sample)
    state.emit('step', `${sample.probe}: ${sample.outcome}: ${sample.detail}`, { probe: sample.probe });
}
