import type { Journal } from '../engine/journal.ts';
import type { Verdict } from '../engine/verdict.ts';
import { type ActiveSpan, numericValue, type ProbeAnalysis, type ProbeWindow } from './analyze-probes.ts';
import { actionLessons } from './derive-action-lessons.ts';

import { windowLessons } from './derive-window-lessons.ts';
import type { ActionRow, Detection, Lessons } from './findings.ts';
import { formatDuration, formatNumber, formatOffset } from './format-time.ts';
import { describeWorst, listNames, plural } from './lesson-words.ts';

type LessonInput = {
  journal: Journal;
  verdict: Verdict | 'unknown';
  reason: string;
  origin: number;
  probes: ProbeAnalysis[];
  actions: ActionRow[];
  spans: ActiveSpan[];
  detection: Detection;
  revertFailed: boolean;
};

// What went well, what went wrong, where the system got lucky, and what to look at next: each
// derived from the journal's data, about the system and its parts (never about people).
export function deriveLessons(input: LessonInput): Lessons {
  const { journal, verdict, origin, probes, actions, spans, detection } = input;
  const well: string[] = [];
  const wrong: string[] = [];
  const lucky: string[] = [];
  const followUps: string[] = [];
  const at = (t: number) => formatOffset(t, origin);
  const hypothesis = probes.filter((p) => p.role === 'hypothesis');
  const injected = actions.filter((a) => a.injectedAt !== undefined);
  const faultNames = [...new Set(injected.map((a) => a.fault))];
  const eventsOf = (type: string) => journal.events.filter((e) => e.type === type);

  // Before the run: faults left by earlier runs, and the steady state.
  const recovered = eventsOf('recovered');
  if (recovered.length > 0)
    well.push(
      `Before injecting anything, the run found and reverted ${plural(recovered.length, 'fault')} left by an earlier run (${recovered.map((e) => e.message).join('; ')}).`,
    );
  for (const event of eventsOf('recover-failed'))
    wrong.push(`A fault left by an earlier run could not be reverted: ${event.message}.`);
  if (verdict === 'not-started') {
    const failing = hypothesis.filter((p) => p.windows.some((w) => w.phase === 'steady-state-before'));
    for (const probe of failing) {
      const window = probe.windows.find((w) => w.phase === 'steady-state-before') as ProbeWindow;
      wrong.push(
        `Before anything was injected, ${probe.name} was already outside its tolerance (${probe.expected}): ${describeWorst(window, probe)}.`,
      );
      followUps.push(
        `Bring ${probe.name} back within tolerance (or correct its expectation if the steady state changed), then run the experiment again.`,
      );
    }
    well.push(
      'The steady-state check kept faults away from a system that was not in its steady state: nothing was injected.',
    );
  }

  // Injection.
  for (const event of eventsOf('inject-failed')) {
    wrong.push(`A fault could not be injected: ${event.message}.`);
    followUps.push(`Find out why injecting failed (${event.message}) and run again.`);
  }

  // The hypothesis during the faults.
  for (const fault of faultNames) {
    const faultSpans = spans.filter((s) => s.fault === fault);
    const during = (p: ProbeAnalysis) =>
      p.samples.filter((s) => s.phase === 'method' && faultSpans.some((f) => f.from <= s.at && s.at <= f.to));
    const sampled = hypothesis.filter((p) => during(p).length > 0);
    const held = sampled.filter((p) => during(p).every((s) => s.outcome === 'ok'));
    const samples = held.reduce((n, p) => n + during(p).length, 0);
    const duration = faultSpans.reduce((ms, s) => ms + (s.to - s.from), 0);
    const rounds = new Set(injected.filter((a) => a.fault === fault).map((a) => a.round ?? 0)).size;
    const inPlace = `${formatDuration(duration)}${rounds > 1 ? ` in all, over ${rounds} rounds` : ''}`;
    if (held.length > 0)
      well.push(
        `While ${fault} was in place (${inPlace}), ${listNames(held.map((p) => p.name))} stayed within tolerance in all ${plural(samples, 'sample')}: the system absorbed the fault on ${held.length === 1 ? 'that path' : 'those paths'}.`,
      );
    if (sampled.length === 0 && hypothesis.length > 0) {
      wrong.push(
        `No hypothesis sample was taken while ${fault} was in place (${inPlace}): the hypothesis was not checked against it.`,
      );
      followUps.push(
        `Sample the hypothesis more often than every ${formatDuration(journal.settings.everyMs)} (during.every), or keep ${fault} in place longer, so that it is observed.`,
      );
    }
  }

  for (const probe of hypothesis) {
    const fromWindows = windowLessons(probe, { settings: journal.settings, at, spans });
    well.push(...fromWindows.wentWell);
    wrong.push(...fromWindows.wentWrong);
    lucky.push(...fromWindows.lucky);
    followUps.push(...fromWindows.followUps);
    if (probe.closestCall && !probe.deviated) {
      const value = numericValue(probe.closestCall.sample) as number;
      lucky.push(
        `${probe.name} stayed within tolerance during the faults, but ${probe.closestCall.headroom === 0 ? 'reached its bound exactly' : `came within ${Math.round(probe.closestCall.headroom * 100)}% of its bound`} at ${at(probe.closestCall.sample.at)} (${probe.axis.label} ${formatNumber(value)}${probe.axis.unit ? ` ${probe.axis.unit}` : ''}, expected ${probe.expected}): a little more and it would have deviated.`,
      );
    }
    const unjudged = probe.unjudged.length;
    if (unjudged > 0) {
      const example = probe.unjudged[0];
      wrong.push(
        `${plural(unjudged, 'sample')} of ${probe.name} could not judge the system (${example?.outcome}: ${example?.detail}).`,
      );
      followUps.push(`Make ${probe.name} reliable: a probe that cannot measure hides what the system does.`);
    }
  }

  // Abort conditions.
  for (const event of eventsOf('abort-condition')) {
    const what = event.probe ? event.message.replace(`${event.probe}: `, '') : event.message;
    wrong.push(`The abort condition ${event.probe ?? '(unnamed)'} tripped at ${at(event.at)}: ${what}.`);
    followUps.push(`Find out what made the abort condition ${event.probe ?? event.message} trip.`);
  }
  if (verdict === 'aborted' && !input.revertFailed && injected.length > 0)
    well.push('The run stopped when asked to and reverted every fault it had injected.');

  // Detection and stopping.
  const { methodStartedAt, methodEndedAt } = journal;
  const stoppedEarly =
    methodStartedAt !== undefined &&
    methodEndedAt !== undefined &&
    methodEndedAt - methodStartedAt < journal.settings.durationMs - journal.settings.everyMs / 2;
  if (detection.toDeclaredMs !== undefined && verdict === 'deviated') {
    const stopped =
      stoppedEarly && detection.declaredToRevertedMs !== undefined
        ? `; the run stopped the method and every fault was reverted ${formatDuration(detection.declaredToRevertedMs)} later, which limited the impact`
        : '';
    well.push(
      `The deviation was declared ${formatDuration(detection.toDeclaredMs)} after the first fault was injected (${journal.settings.failAfter} failed samples in a row, sampled every ${formatDuration(journal.settings.everyMs)})${stopped}.`,
    );
  }
  const afterSamples = hypothesis.flatMap((p) => p.samples.filter((s) => s.phase === 'steady-state-after'));
  if (afterSamples.length > 0 && afterSamples.every((s) => s.outcome === 'ok') && verdict === 'deviated')
    well.push(
      'Once the faults were removed, every hypothesis probe returned within tolerance: the system recovered on its own.',
    );

  // Reverts and effects of the injected actions.
  const fromActions = actionLessons(journal, injected, at);
  well.push(...fromActions.wentWell);
  wrong.push(...fromActions.wentWrong);
  lucky.push(...fromActions.lucky);
  followUps.push(...fromActions.followUps);
  if (input.revertFailed) {
    followUps.unshift(
      `Run faultline recover --ledger ${journal.ledger.file} once the fault servers answer again, and check that nothing is left: ${listNames(journal.ledger.leftBehind.map((l) => l.description)) || 'see the failed reverts above'}.`,
    );
  }

  // Rollbacks: they run after every ending; one that failed may leave something unrestored.
  for (const rollback of journal.failedRollbacks ?? []) {
    wrong.push(
      `The rollback ${rollback.probe} failed (${rollback.outcome}: ${rollback.detail}): what it restores may not be restored.`,
    );
    followUps.unshift(`Check by hand what the rollback ${rollback.probe} restores, then make it reliable.`);
  }
  const rollbacks = probes.filter((p) => p.role === 'rollback');
  if (
    rollbacks.length > 0 &&
    (journal.failedRollbacks ?? []).length === 0 &&
    rollbacks.every((p) => p.samples.length > 0)
  )
    well.push(`Every rollback succeeded (${listNames(rollbacks.map((p) => p.name))}).`);

  // Method steps: probes sampled once at an offset.
  for (const step of probes.filter((p) => p.role === 'step')) {
    for (const sample of step.samples.filter((s) => s.outcome !== 'ok'))
      wrong.push(`The step ${step.name} at ${at(sample.at)} failed (${sample.outcome}: ${sample.detail}).`);
  }

  if (verdict === 'error') {
    wrong.push(`The run stopped on an environment error: ${input.reason}.`);
    followUps.push('Fix the environment problem above and run the experiment again.');
  }
  if (verdict === 'held' && followUps.length === 0)
    followUps.push(
      `The hypothesis held: to keep learning, make the fault stronger or longer (${faultNames.join(', ') || 'none injected'}), widen the blast radius within the safety limits, or add probes for other paths.`,
    );
  return { wentWell: well, wentWrong: wrong, lucky, followUps: [...new Set(followUps)] };
}
