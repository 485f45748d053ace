import type { JournalLoadStream } from '../engine/journal-load.ts';
import { describeLostBy } from '../load/judge-window.ts';
import type { Lessons } from './findings.ts';
import { formatNumber } from './format-time.ts';
import { formatCount, sentShare } from './load-section.ts';

// What the load streams say about the faults: requests lost (or not) while each was in place, a
// whole-run tolerance missed, and a generator that could not send what was due.
export function loadLessons(streams: readonly JournalLoadStream[]): Lessons {
  const lessons: Lessons = { wentWell: [], wentWrong: [], lucky: [], followUps: [] };
  for (const stream of streams) {
    for (const window of stream.faultWindows ?? []) {
      const { summary } = window;
      const p99 = summary.latency ? `, p99 ${formatNumber(summary.latency.p99Ms)} ms` : '';
      if (summary.lost === 0 && summary.sent > 0)
        lessons.wentWell.push(
          `While ${window.fault} was in place, ${stream.name} lost none of its ${formatCount(summary.sent)} requests${p99}.`,
        );
      else if (summary.lost > 0) {
        lessons.wentWrong.push(
          `While ${window.fault} was in place, ${stream.name} lost ${formatCount(summary.lost)} of its ${formatCount(summary.sent)} requests (${describeLostBy(summary)}): users would have seen these fail.`,
        );
        lessons.followUps.push(
          `Find out why requests of ${stream.name} were lost under ${window.fault} (${describeLostBy(summary)}): a timeout, a retry or a fallback on that path would keep them.`,
        );
      }
    }
    if (stream.judgement && !stream.judgement.ok)
      lessons.wentWrong.push(
        `Over the whole run, ${stream.name} was outside its tolerances: ${stream.judgement.detail}.`,
      );
    if (stream.total && sentShare(stream.total) < 0.9) {
      lessons.wentWrong.push(
        `The load generator sent only ${Math.round(sentShare(stream.total) * 100)} % of the requests ${stream.name} was due to send: the verdict rests on fewer requests than asked.`,
      );
      lessons.followUps.push(
        `Run the experiment from a less busy machine (or raise maxInFlight of ${stream.name}), so the load is sent at its rate.`,
      );
    }
  }
  return lessons;
}
