import type { RunState } from './run-state.ts';

// Rollbacks: the experiment's own actions after every fault is reverted, whatever ended the run
// (an interrupt included: Chaos Toolkit's users keep tripping on rollbacks that never ran). They
// get a deadline of their own, not the run's signal, which is already aborted after Ctrl-C. Each
// outcome is journaled; returns whether one failed.
export async function runRollbacks(state: RunState): Promise<boolean> {
  const rollbacks = state.request.experiment.spec.rollbacks ?? [];
  if (rollbacks.length === 0) return false;
  state.phase = 'rollbacks';
  const deadlineMs = state.journal.settings.revertTimeoutMs;
  state.emit('phase', `running ${rollbacks.length} rollbacks (at most ${deadlineMs / 1000} s)`);
  const deadline = new AbortController();
  const finished = new AbortController();
  void state.runtime.clock.sleep(deadlineMs, finished.signal).then(() => deadline.abort());
  let samples: Awaited<ReturnType<RunState['sample']>>;
  try {
    samples = await state.sample(rollbacks, 'rollback', deadline.signal);
  } finally {
    finished.abort();
  }
  if (samples.length < rollbacks.length) {
    const reason = `the rollbacks did not finish within ${deadlineMs / 1000} s`;
    state.journal.failedRollbacks = rollbacks.map((r) => ({
      probe: r.name,
      outcome: 'timeout',
      detail: reason,
    }));
    state.emit('rollback-failed', reason);
    return true;
  }
  const failed = samples.filter((sample) => sample.outcome !== 'ok');
  for (const sample of samples) {
    const ok = sample.outcome === 'ok';
    state.emit(
      ok ? 'rollback-succeeded' : 'rollback-failed',
      `${sample.probe}: ${sample.outcome}: ${sample.detail}`,
      {
        probe: sample.probe,
      },
    );
  }
  if (failed.length > 0)
    state.journal.failedRollbacks = failed.map((s) => ({
      probe: s.probe,
      outcome: s.outcome,
      detail: s.detail,
    }));
  return failed.length > 0;
}
