import type { Journal } from '../engine/journal.ts';
import { type ActiveSpan, type ProbeAnalysis, type ProbeWindow, worstOf } from './analyze-probes.ts';
import type { Lessons } from './findings.ts';
import { formatDuration } from './format-time.ts';
import { describeSample, describeWorst, listNames, plural, whileFaults } from './lesson-words.ts';

type Context = { settings: Journal['settings']; at: (t: number) => string; spans: ActiveSpan[] };

/** Beyond this many stretches of one kind, a probe's stretches are summed up in one item. */
const maxItems = 3;

const sampleCount = (windows: ProbeWindow[]) => windows.reduce((n, w) => n + w.samples.length, 0);

// What one hypothesis probe's stretches outside its tolerance teach: deviations (what went wrong),
// short excursions (where we got lucky), and recoveries while the fault was still in place (went
// well). A long run with many stretches gets a summary, not one line per stretch.
export function windowLessons(probe: ProbeAnalysis, context: Context): Lessons {
  const { settings, at, spans } = context;
  const lessons: Lessons = { wentWell: [], wentWrong: [], lucky: [], followUps: [] };
  const span = (w: ProbeWindow) => `from ${at(w.from)} to ${at(w.to)}`;

  for (const w of probe.windows.filter((x) => x.phase === 'steady-state-after')) {
    lessons.wentWrong.push(
      `After every fault was reverted and ${formatDuration(settings.recoveryMs)} of recovery, ${probe.name} was still outside its tolerance: ${describeWorst(w, probe)}.`,
    );
    lessons.followUps.push(
      `Find out why ${probe.name} did not return to its steady state within ${formatDuration(settings.recoveryMs)}; if slower recovery is acceptable, lengthen the experiment's recovery.`,
    );
  }

  const method = probe.windows.filter((w) => w.phase === 'method');
  const deviated = method.filter((w) => w.deviated);
  for (const w of deviated.slice(0, maxItems)) {
    lessons.wentWrong.push(
      `${probe.name} left its tolerance (${probe.expected}) ${whileFaults(w.faults)}, ${span(w)} (${plural(w.samples.length, 'sample')}); worst: ${describeWorst(w, probe)}.`,
    );
  }
  if (deviated.length > maxItems) {
    const rest = deviated.slice(maxItems);
    lessons.wentWrong.push(
      `${probe.name} deviated ${plural(rest.length, 'more time')} (${plural(sampleCount(rest), 'sample')} in all, the last from ${at(rest[rest.length - 1]?.from ?? 0)}): see the impact table.`,
    );
  }
  for (const faults of new Set(deviated.map((w) => w.faults.join('\u0000')))) {
    const names = faults === '' ? [] : faults.split('\u0000');
    lessons.followUps.push(
      names.length > 0
        ? `Make the path measured by ${probe.name} tolerate ${listNames(names)} (for example a timeout, a circuit breaker or a degraded answer), then run this experiment again to confirm.`
        : `Find out why ${probe.name} left its tolerance while no fault was in place (first ${span(deviated.find((w) => w.faults.length === 0) as ProbeWindow)}).`,
    );
  }

  const blips = method.filter((w) => !w.deviated);
  const fewer = `fewer than the ${settings.failAfter} in a row that count as a deviation`;
  if (blips.length > 0 && blips.length <= maxItems) {
    for (const w of blips) {
      lessons.lucky.push(
        `${probe.name} was outside its tolerance ${whileFaults(w.faults)} for ${plural(w.samples.length, 'sample')} ${span(w)} (${describeWorst(w, probe)}), ${fewer}.`,
      );
    }
  } else if (blips.length > maxItems) {
    const worst = worstOf(
      blips.map((w) => w.worst),
      probe.axis,
    );
    const duringFaults = blips.filter((w) => w.faults.length > 0).length;
    lessons.lucky.push(
      `${probe.name} was briefly outside its tolerance ${blips.length} times (${plural(sampleCount(blips), 'sample')} in all, ${duringFaults} of them while a fault was in place), each time ${fewer}; the worst at ${at(worst.at)}: ${describeSample(worst, probe)}.`,
    );
  }
  if (blips.length > 0) {
    lessons.followUps.push(
      blips.length === 1
        ? `Look into the short excursion of ${probe.name} at ${at(blips[0]?.from ?? 0)}: with a stronger or longer fault it may become a deviation.`
        : `Look into the ${blips.length} short excursions of ${probe.name} (the first at ${at(blips[0]?.from ?? 0)}): with a stronger or longer fault they may become a deviation.`,
    );
  }

  // Came back while the fault that was in place when it left was still in place: something adapted.
  const adapted = method.filter((w) => {
    const back = w.recoveredAt;
    return (
      back !== undefined &&
      w.faults.some((f) => spans.some((s) => s.fault === f && s.from <= back && back < s.to))
    );
  });
  const first = adapted[0];
  if (first?.recoveredAt !== undefined) {
    const more = adapted.length > 1 ? ` (and ${plural(adapted.length - 1, 'more time')})` : '';
    lessons.wentWell.push(
      `${probe.name} came back within tolerance at ${at(first.recoveredAt)} while ${listNames(first.faults)} was still in place, ${formatDuration(first.recoveredAt - first.from)} after leaving it${more}: part of the system adapted to the fault (a timeout, a fallback or a circuit breaker).`,
    );
  }
  return lessons;
}
