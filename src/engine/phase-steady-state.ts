import type { RunState } from './run-state.ts';

// Steady state before: every hypothesis probe within tolerance, or nothing is injected. Returns
// the reason it was not met, or undefined.
export async function checkSteadyStateBefore(state: RunState): Promise<string | undefined> {
  state.phase = 'steady-state-before';
  state.emit('phase', 'checking the steady-state hypothesis before injecting anything');
  const samples = await state.sample(
    state.request.experiment.spec.hypothesis.probes,
    'hypothesis',
    state.request.signal,
  );
  const failed = samples.filter((s) => s.outcome !== 'ok');
  for (const s of failed)
    state.emit('probe-failed', `${s.probe}: ${s.outcome}: ${s.detail}`, { probe: s.probe });
  if (failed.length > 0)
    return `steady state not met: ${failed.map((s) => `${s.probe} (${s.outcome}: ${s.detail})`).join('; ')}`;
  state.emit('steady-state-met', `all ${samples.length} probes within tolerance`);
  return undefined;
}

// Recovery, then the steady state after: the hypothesis again, once the system had time to heal.
// Returns the reason it was not restored, or undefined.
export async function checkSteadyStateAfter(state: RunState): Promise<string | undefined> {
  const { journal, request, runtime } = state;
  if (journal.settings.recoveryMs > 0) {
    state.phase = 'recovery';
    state.emit('phase', `waiting ${request.experiment.spec.recovery} for the system to recover`);
    await runtime.clock.sleep(journal.settings.recoveryMs, request.signal);
    if (request.signal?.aborted) return undefined;
  }
  state.phase = 'steady-state-after';
  state.emit('phase', 'checking the steady-state hypothesis after the faults');
  const samples = await state.sample(request.experiment.spec.hypothesis.probes, 'hypothesis', request.signal);
  const failed = samples.filter((s) => s.outcome !== 'ok');
  for (const s of failed)
    state.emit('probe-failed', `${s.probe}: ${s.outcome}: ${s.detail}`, { probe: s.probe });
  if (failed.length === 0) return undefined;
  return `steady state not restored after the faults: ${failed.map((s) => `${s.probe} (${s.detail})`).join('; ')}`;
}
