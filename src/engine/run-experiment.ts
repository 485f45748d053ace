// The run contract, as named phases over one run state: recover orphans, plan (targets and safety
// limits), announce, the load streams (phase-load.ts), steady state before, the method, revert
// (always), rollbacks (always), recovery and the steady state after, then the verdict. Failures are
// recorded in the journal, not thrown; an unexpected error after something was injected still
// reverts it before it is rethrown.
import { enterRun } from '../ledger/runs-in-process.ts';
import type { Runtime } from '../runtime.ts';
import type { BlastRadius } from '../selection/safety.ts';
import type { FollowUps } from './follow-ups.ts';
import type { Journal } from './journal.ts';
import { announceOrRefuse } from './phase-announce.ts';
import { startRunLoad, stopRunLoad } from './phase-load.ts';
import { runMethod } from './phase-method.ts';
import { checkBlastRadius } from './phase-plan.ts';
import { recoverOrphans } from './phase-recover.ts';
import { revertEverything } from './phase-revert.ts';
import { runRollbacks } from './phase-rollbacks.ts';
import { checkSteadyStateAfter, checkSteadyStateBefore } from './phase-steady-state.ts';
import { releaseRun } from './run-presence.ts';
import type { RunOutcome, RunRequest } from './run-request.ts';
import { abortReason, createRunState, type RunState, type Stop, stopRun } from './run-state.ts';

export type { RunOutcome, RunRequest } from './run-request.ts';

/** A bug or an unforeseen failure, thrown once every fault was reverted; never a verdict. */
export class UnexpectedRunError extends Error {
  readonly journal: Journal;
  constructor(cause: unknown, journal: Journal) {
    super(`the run failed unexpectedly: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'UnexpectedRunError';
    this.journal = journal;
  }
}

export async function runExperiment(request: RunRequest, runtime: Runtime): Promise<RunOutcome> {
  // While it is going, this process's own recovery (a daemon's sweep) judges the run alive.
  const leave = enterRun(request.runId);
  const state = createRunState(request, runtime);
  try {
    return await runPhases(state);
  } finally {
    try {
      await stopRunLoad(state); // nothing keeps sending after the run, whatever ended it
    } finally {
      leave();
    }
  }
}

async function runPhases(state: RunState): Promise<RunOutcome> {
  const { request } = state;
  if (!(await recoverOrphans(state))) {
    return await finish(state, {
      verdict: 'error',
      reason: 'faults left by an earlier run could not be reverted',
    });
  }
  const refused = await startChecks(state);
  if (refused) {
    await releaseRun(state, true); // nothing was injected
    return await finish(state, refused);
  }
  let followUps = noFollowUps;
  let unexpected: unknown;
  try {
    followUps = await runMethod(state);
  } catch (error) {
    unexpected = error;
  }
  // Whatever happened in the method — an unexpected error included — what is in place goes.
  const revertFailed = await revertEverything(state, followUps);
  const rollbackFailed = await runRollbacks(state);
  if (unexpected !== undefined) {
    await releaseRun(state, !revertFailed);
    throw new UnexpectedRunError(unexpected, state.journal);
  }
  if (!request.signal?.aborted && state.stop?.verdict !== 'error' && state.stop?.verdict !== 'aborted') {
    const notRestored = await checkSteadyStateAfter(state);
    if (notRestored) stopRun(state, { verdict: 'deviated', reason: notRestored });
  }
  if (request.signal?.aborted) stopRun(state, { verdict: 'aborted', reason: abortReason(request.signal) });
  await followUps.stopObservations();
  await releaseRun(state, !revertFailed);
  return await finish(state, state.stop, { revertFailed, rollbackFailed });
}

// Plan, announce, the load streams, steady state before and the caller's last word
// (beforeFirstInject): a reason not to start (nothing injected), or undefined.
async function startChecks(state: RunState): Promise<Stop | undefined> {
  const { request } = state;
  let radii: BlastRadius[];
  try {
    const plan = await checkBlastRadius(state);
    if (plan.refused) return { verdict: 'not-started', reason: plan.refused };
    radii = plan.radii;
  } catch (error) {
    return { verdict: 'error', reason: `could not pick the targets: ${(error as Error).message}` };
  }
  try {
    const notNow = await announceOrRefuse(state, radii);
    if (notNow) return { verdict: 'not-started', reason: notNow };
  } catch (error) {
    return { verdict: 'error', reason: `could not announce the run: ${(error as Error).message}` };
  }
  const loadFailed = await startRunLoad(state);
  if (loadFailed) return loadFailed;
  const notMet = await checkSteadyStateBefore(state);
  if (request.signal?.aborted) return { verdict: 'aborted', reason: abortReason(request.signal) };
  if (notMet) return { verdict: 'not-started', reason: notMet };
  try {
    await request.beforeFirstInject?.();
  } catch (error) {
    return { verdict: 'not-started', reason: (error as Error).message };
  }
  if (request.signal?.aborted) return { verdict: 'aborted', reason: abortReason(request.signal) };
  return undefined;
}

const noFollowUps: FollowUps = {
  start: () => {},
  stopSettles: async () => {},
  stopObservations: async () => {},
};

// The load streams stop before the verdict: their whole-run tolerances can still deviate the run.
async function finish(
  state: RunState,
  stop: Stop | undefined,
  failures = { revertFailed: false, rollbackFailed: false },
): Promise<RunOutcome> {
  const { journal, runtime } = state;
  if (stop) stopRun(state, stop);
  await stopRunLoad(state);
  const result = state.stop ?? {
    verdict: 'held',
    reason: 'the steady-state hypothesis held before, during and after the faults',
  };
  state.phase = 'done';
  journal.verdict = result.verdict;
  journal.reason = result.reason;
  journal.endedAt = runtime.clock.now();
  state.emit('verdict', `${result.verdict}: ${result.reason}`);
  return { journal, verdict: result.verdict, ...failures };
}
