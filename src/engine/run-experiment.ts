import { parseDuration } from '../experiment/duration.ts';
import type { Experiment } from '../experiment/schema.ts';
import type { ActionEffect } from '../faults/fault-context.ts';
import { faultKindOf, prepareFault } from '../faults/prepare-fault.ts';
import { describeUndo } from '../faults/undo-record.ts';
import { judgeSamples } from '../hypothesis/judge-samples.ts';
import { recoverFaults } from '../ledger/recover.ts';
import type { Runtime } from '../runtime.ts';
import { createFollowUps, describeEffect } from './follow-ups.ts';
import { injectActions } from './inject-actions.ts';
import type { Journal, JournalAction, JournalEvent, JournalFault, JournalSample } from './journal.ts';
import { revertFault } from './revert-fault.ts';
import { createRunContext } from './run-context.ts';
import { nextRoundAt, planTimeline, type TimelineItem } from './timeline.ts';
import type { Verdict } from './verdict.ts';

export type RunRequest = {
  experiment: Experiment;
  /** The experiment as written (variables unresolved), for the journal: secrets never appear. */
  experimentSource: unknown;
  experimentFile: string;
  runId: string;
  seed: number;
  revertTimeoutMs?: number;
  /** Aborts the run (Ctrl-C, SIGTERM): every fault is reverted and the verdict is `aborted`. */
  signal?: AbortSignal;
  onEvent?: (event: JournalEvent, journal: Journal) => void;
  onSample?: (sample: JournalSample) => void;
};

export type RunOutcome = { journal: Journal; verdict: Verdict; revertFailed: boolean };

type Stop = { verdict: Verdict; reason: string };

const toxiproxyUrlsOf = (experiment: Experiment) =>
  experiment.spec.faults.flatMap((f) => [f.toxiproxy?.url, f.partition?.url]).filter((u): u is string => !!u);

// The run contract: recover orphans, steady state before, faults on their timeline while the
// hypothesis and abort conditions are sampled, revert everything (always), rollbacks, recovery,
// steady state after, verdict. Failures are recorded in the journal, not thrown.
export async function runExperiment(request: RunRequest, runtime: Runtime): Promise<RunOutcome> {
  const { experiment, runId } = request;
  const { clock } = runtime;
  const spec = experiment.spec;
  const run = createRunContext(request, runtime);
  const { journal, emit, sampleAll, faultContext } = run;
  const { durationMs, everyMs, failAfter, recoveryMs, revertTimeoutMs } = journal.settings;

  // Recover: orphans of earlier runs that died (ledger entries, marks) before touching anything.
  emit('phase', 'recovering faults left by earlier runs');
  const recovered = await recoverFaults({
    ledger: runtime.ledger,
    context: { ...faultContext },
    toxiproxyUrls: toxiproxyUrlsOf(experiment),
    scanNodes: spec.faults.some((f) => f.nodeDrain || f.nodeCordon),
    timeoutMs: revertTimeoutMs,
    currentRunId: runId,
  });
  for (const item of recovered.items) {
    emit(
      item.ok ? 'recovered' : 'recover-failed',
      `${item.description}: ${item.detail} (found by ${item.source})`,
    );
  }
  for (const problem of recovered.scanErrors) emit('recover-scan-failed', problem);
  if (recovered.items.some((i) => !i.ok)) {
    return finish({ verdict: 'error', reason: 'faults left by an earlier run could not be reverted' }, true);
  }

  // Steady state before: every probe within tolerance, or nothing is injected.
  run.phase = 'steady-state-before';
  emit('phase', 'checking the steady-state hypothesis before injecting anything');
  const before = await sampleAll(spec.hypothesis.probes, 'hypothesis');
  if (request.signal?.aborted)
    return finish({ verdict: 'aborted', reason: abortReason(request.signal) }, false);
  const failedBefore = before.filter((s) => s.outcome !== 'ok');
  if (failedBefore.length > 0) {
    for (const s of failedBefore)
      emit('probe-failed', `${s.probe}: ${s.outcome}: ${s.detail}`, { probe: s.probe });
    return finish(
      {
        verdict: 'not-started',
        reason: `steady state not met: ${failedBefore.map((s) => `${s.probe} (${s.outcome}: ${s.detail})`).join('; ')}`,
      },
      false,
    );
  }
  emit('steady-state-met', `all ${before.length} probes within tolerance`);

  // Method: faults on their timeline, the hypothesis and abort conditions sampled every `everyMs`.
  run.phase = 'method';
  const timeline = planTimeline(spec.faults, durationMs);
  const injected = new Map<string, { fault: JournalFault; reverted: boolean }>();
  // Rounds done and when the next is due (undefined: none); a fault without `every` has one round.
  const rounds = new Map(
    timeline.map((t) => [t.fault.name, { done: 0, nextAt: nextRoundAt(t, 0, 0, durationMs) }]),
  );
  const failures = new Map<string, number>();
  let stop: Stop | undefined;
  let wake = () => {};
  const toldEffects = new Set<string>();
  const followUps = createFollowUps({
    signal: request.signal,
    onEffect: emitEffect,
    onFailure: (_fault, reason) => {
      stop ??= { verdict: 'error', reason };
      wake();
    },
  });
  const methodStart = clock.now();
  journal.methodStartedAt = methodStart;
  emit('phase', `method started: ${timeline.length} faults over ${spec.duration}`);
  let nextSampleAt = everyMs;
  const steps = [...(spec.steps ?? [])]
    .map((step) => ({ step, atMs: parseDuration(step.at), done: false }))
    .sort((a, b) => a.atMs - b.atMs);
  for (;;) {
    if (request.signal?.aborted) {
      stop ??= { verdict: 'aborted', reason: abortReason(request.signal) };
    }
    if (stop) break;
    const elapsed = clock.now() - methodStart;
    if (elapsed >= durationMs) break;
    for (const item of timeline) {
      const round = rounds.get(item.fault.name);
      if (!round || round.nextAt === undefined || round.nextAt > elapsed) continue;
      await injectRound(item, round.done);
      round.done += 1;
      round.nextAt = nextRoundAt(item, round.done, clock.now() - methodStart, durationMs);
      if (stop) break;
    }
    if (stop) continue;
    for (const item of timeline) {
      const record = injected.get(item.fault.name);
      if (!record || record.reverted || item.endMs === undefined || item.endMs > elapsed) continue;
      record.reverted = true;
      await followUps.stopSettles(item.fault.name);
      await revertFaultOnce(record.fault, 'its duration ended');
    }
    const dueSteps = steps.filter((s) => !s.done && s.atMs <= elapsed);
    for (const due of dueSteps) due.done = true;
    for (const sample of await sampleAll(
      dueSteps.map((d) => d.step),
      'step',
    )) {
      emit('step', `${sample.probe}: ${sample.outcome}: ${sample.detail}`, { probe: sample.probe });
    }
    if (elapsed >= nextSampleAt) {
      nextSampleAt += everyMs;
      const [hypothesis, aborts] = await Promise.all([
        sampleAll(spec.hypothesis.probes, 'hypothesis'),
        sampleAll(spec.abortWhen ?? [], 'abort'),
      ]);
      const judged = judgeSamples(hypothesis, aborts, failures, failAfter);
      for (const s of aborts.filter((a) => a.outcome !== 'ok')) {
        emit('abort-condition', `${s.probe}: ${s.outcome}: ${s.detail}`, { probe: s.probe });
      }
      if (judged.abortedBy) {
        const s = judged.abortedBy;
        stop ??= { verdict: 'aborted', reason: `abort condition ${s.probe} (${s.outcome}: ${s.detail})` };
      }
      for (const { sample: s, inARow } of judged.failed) {
        journal.firstDeviation ??= { probe: s.probe, at: s.at + s.durationMs, detail: s.detail };
        emit('probe-failed', `${s.probe}: ${s.outcome}: ${s.detail} (${inARow} of ${failAfter} in a row)`, {
          probe: s.probe,
        });
      }
      if (judged.deviated) {
        const { sample: s, inARow } = judged.deviated;
        stop ??= { verdict: 'deviated', reason: `${s.probe} deviated ${inARow} times in a row: ${s.detail}` };
      }
    }
    const now = clock.now() - methodStart;
    const upcoming = [
      nextSampleAt,
      durationMs,
      ...[...rounds.values()].flatMap((r) => (r.nextAt === undefined ? [] : [r.nextAt])),
      ...steps.filter((s) => !s.done).map((s) => s.atMs),
      ...timeline
        .filter((t) => !injected.get(t.fault.name)?.reverted && t.endMs !== undefined)
        .map((t) => t.endMs as number),
    ];
    const wait = Math.min(...upcoming) - now;
    if (!stop && wait > 0) await sleepUnlessWoken(wait);
  }
  await followUps.stopSettles(); // a drain still going ends here, before its node is uncordoned
  journal.methodEndedAt = clock.now();
  emit('phase', stop ? `method stopped: ${stop.reason}` : 'method finished');

  // Revert: every fault this run injected, whatever happened, all at once.
  run.phase = 'revert';
  const pending = [...injected.values()].filter((r) => !r.reverted);
  for (const r of pending) r.reverted = true;
  await Promise.all(
    pending.map((r) => revertFaultOnce(r.fault, stop ? 'the run stopped' : 'the method ended')),
  );
  const revertFailed = journal.faults.some((f) => f.actions.some((a) => a.revert === 'failed'));

  const aborted = stop?.verdict === 'aborted' || request.signal?.aborted;
  if (spec.rollbacks?.length) {
    run.phase = 'rollbacks';
    emit('phase', `running ${spec.rollbacks.length} rollbacks`);
    await sampleAll(spec.rollbacks, 'rollback');
  }
  if (!aborted && stop?.verdict !== 'error') {
    if (recoveryMs > 0) {
      run.phase = 'recovery';
      emit('phase', `waiting ${spec.recovery} for the system to recover`);
      await clock.sleep(recoveryMs, request.signal);
    }
    run.phase = 'steady-state-after';
    emit('phase', 'checking the steady-state hypothesis after the faults');
    const after = await sampleAll(spec.hypothesis.probes, 'hypothesis');
    const failedAfter = after.filter((s) => s.outcome !== 'ok');
    for (const s of failedAfter)
      emit('probe-failed', `${s.probe}: ${s.outcome}: ${s.detail}`, { probe: s.probe });
    if (!stop && failedAfter.length > 0) {
      stop = {
        verdict: 'deviated',
        reason: `steady state not restored after the faults: ${failedAfter.map((s) => `${s.probe} (${s.detail})`).join('; ')}`,
      };
    }
  }
  if (request.signal?.aborted && !stop) stop = { verdict: 'aborted', reason: abortReason(request.signal) };
  await followUps.stopObservations();
  return finish(
    stop ?? {
      verdict: 'held',
      reason: 'the steady-state hypothesis held before, during and after the faults',
    },
    revertFailed,
  );

  async function revertFaultOnce(fault: JournalFault, why: string) {
    await revertFault(fault, why, run, runtime.ledger);
    const record = injected.get(fault.name);
    if (record) record.reverted = true;
  }

  // One round of a fault: targets picked now, each action's undo in the ledger before its inject,
  // then its follow-ups in the background. A failure stops the run with the verdict `error`.
  async function injectRound(item: TimelineItem, round: number) {
    const name = item.fault.name;
    let record = injected.get(name);
    if (!record) {
      const repeats = item.everyMs === undefined ? {} : { everyMs: item.everyMs, rounds: 0 };
      const entry: JournalFault = {
        name,
        kind: faultKindOf(item.fault),
        startMs: item.startMs,
        endMs: item.endMs,
        ...repeats,
        actions: [],
      };
      journal.faults.push(entry);
      record = { fault: entry, reverted: false };
      injected.set(name, record);
    }
    const entry = record.fault;
    if (entry.rounds !== undefined) entry.rounds = round + 1;
    try {
      const actions = await prepareFault(item.fault, faultContext, round);
      await injectActions(actions, {
        ledger: runtime.ledger,
        runId,
        experiment: experiment.metadata.name,
        fault: entry,
        round: item.everyMs === undefined ? undefined : round,
        now: clock.now,
        signal: request.signal,
        onInjected: (action, recorded) => {
          emit('injected', `${name}: ${describeUndo(action.undo)}`, { fault: name });
          followUps.start(name, action, recorded);
        },
      });
    } catch (error) {
      emit('inject-failed', `${name}: ${(error as Error).message}`, { fault: name });
      stop ??= { verdict: 'error', reason: `could not inject ${name}: ${(error as Error).message}` };
    }
  }

  // Pods of one owner share one outcome: it is told once per fault, round and owner.
  function emitEffect(fault: string, recorded: JournalAction, effect: ActionEffect) {
    const key = `${fault}/${recorded.round ?? 0}/${effect.detail}`;
    if (toldEffects.has(key)) return;
    toldEffects.add(key);
    const told = describeEffect(fault, effect);
    emit(told.type, told.message, { fault });
  }

  // Sleeps until the next thing on the timeline, or less when a follow-up stops the run.
  async function sleepUnlessWoken(ms: number) {
    if (request.signal?.aborted) return;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    wake = onAbort;
    try {
      await clock.sleep(ms, controller.signal);
    } finally {
      request.signal?.removeEventListener('abort', onAbort);
      wake = () => {};
    }
  }

  function finish(result: Stop, revertFailedNow: boolean): RunOutcome {
    run.phase = 'done';
    journal.verdict = result.verdict;
    journal.reason = result.reason;
    journal.endedAt = clock.now();
    emit('verdict', `${result.verdict}: ${result.reason}`);
    return { journal, verdict: result.verdict, revertFailed: revertFailedNow };
  }
}

function abortReason(signal: AbortSignal): string {
  const reason = signal.reason;
  return typeof reason === 'string'
    ? reason
    : reason instanceof Error
      ? reason.message
      : 'the run was interrupted';
}
