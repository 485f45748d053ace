// The run's load streams (spec.load): started before the steady state before (which waits for a
// ramp to end and the longest load window of the hypothesis to fill), stopped once the steady state
// after was checked, or at whatever else ends the run. Stopping waits for the requests in flight,
// writes each stream's buckets and figures into the journal, judges its whole-run tolerances (a
// failure deviates the run), and says when the generator could not send most of what was due.
import { type LoadStreamSpec, loadToleranceKeys } from '../experiment/schema.ts';
import { describeFigures, judgeLoadWindow, type LoadTolerances } from '../load/judge-window.ts';
import { type LoadRun, type LoadStreamOptions, startLoad } from '../load/start-load.ts';
import { describeStream, streamOptionsOf } from '../load/stream-spec.ts';
import type { JournalLoadStream } from './journal-load.ts';
import { warmUpMsOf } from './load-warm-up.ts';
import { faultSpans, phaseSpans } from './load-windows.ts';
import { type RunState, type Stop, stopRun } from './run-state.ts';

/** Below this share of its due requests sent, a stream's shortfall is told. */
export const shortfallWarning = 0.9;
/** Below this share, a run that would have held ends in `error`: too little was sent to judge by. */
export const shortfallError = 0.5;

function journalEntryOf(stream: LoadStreamSpec, options: LoadStreamOptions, run: LoadRun): JournalLoadStream {
  const started = run.stream(options.name);
  const tolerances = Object.fromEntries(
    loadToleranceKeys.flatMap((key) => (stream.expect?.[key] ? [[key, stream.expect[key]]] : [])),
  ) as LoadTolerances;
  const ramp = options.rate.ramp;
  return {
    name: options.name,
    method: options.method ?? 'GET',
    url: options.url,
    ratePerSecond: ramp ? ramp.toPerSecond : options.rate.perSecond,
    ...(ramp ? { ramp: { fromPerSecond: options.rate.perSecond, overMs: ramp.overMs } } : {}),
    ...started.limits,
    ...(options.expectStatus === undefined ? {} : { expectStatus: options.expectStatus }),
    ...(Object.keys(tolerances).length > 0 ? { tolerances } : {}),
    startedAt: started.startedMs,
  };
}

// Returns why the run cannot go on (the streams could not start), or undefined.
export async function startRunLoad(state: RunState): Promise<Stop | undefined> {
  const streams = state.request.experiment.spec.load ?? [];
  if (streams.length === 0) return undefined;
  state.phase = 'steady-state-before';
  const options = streams.map(streamOptionsOf);
  try {
    state.load = (state.runtime.startLoad ?? startLoad)(options);
  } catch (error) {
    return { verdict: 'error', reason: `could not start the load: ${(error as Error).message}` };
  }
  const load = state.load;
  state.journal.load = {
    streams: streams.map((stream, index) =>
      journalEntryOf(stream, options[index] as LoadStreamOptions, load),
    ),
  };
  const waitMs = warmUpMsOf(state.request.experiment.spec);
  const wait =
    waitMs > 0 ? `; the steady state is checked in ${waitMs / 1000} s, once the load has warmed up` : '';
  state.emit(
    'load-started',
    `load: ${options.map((o) => `${o.name}: ${describeStream(o)}`).join('; ')}${wait}`,
  );
  if (waitMs > 0) await state.runtime.clock.sleep(waitMs, state.request.signal);
  return undefined;
}

// Idempotent: the run stops its streams once, at whichever ending comes first.
export async function stopRunLoad(state: RunState): Promise<void> {
  const load = state.load;
  const entries = state.journal.load?.streams ?? [];
  if (!load) return;
  state.load = undefined;
  const stoppedAt = state.runtime.clock.now();
  const totals = await load.stop();
  const buckets = load.serialize();
  const windowEnd = (Math.floor(stoppedAt / 1000) + 1) * 1000;
  const faults = faultSpans(state.journal, stoppedAt);
  for (const entry of entries) {
    const stream = load.stream(entry.name);
    const phases = phaseSpans(state.journal, entry.startedAt, stoppedAt);
    Object.assign(entry, {
      stoppedAt,
      ...(stream.firstLostAt === undefined ? {} : { firstLostAt: stream.firstLostAt }),
      failureCodes: Object.fromEntries(stream.failureCodes),
      total: totals[entry.name],
      phases: phases.map((span, index) => ({
        ...span,
        summary: stream.account.summarize(span.from, index === phases.length - 1 ? windowEnd : span.to),
      })),
      faultWindows: faults.map((span) => ({
        ...span,
        summary: stream.account.summarize(span.from, Math.ceil(span.to / 1000) * 1000),
      })),
      buckets: buckets[entry.name] ?? [],
    } satisfies Partial<JournalLoadStream>);
    judgeStream(state, entry);
  }
}

// The whole-run tolerances (a failure is the system's: deviated), then the generator's shortfall
// (never the system's: told, and an `error` when too little was sent to judge a held run by).
function judgeStream(state: RunState, entry: JournalLoadStream): void {
  const total = entry.total;
  if (!total) return;
  state.emit('load-stopped', `load ${entry.name} stopped: ${describeFigures(total)}`);
  if (entry.tolerances) {
    const judged = judgeLoadWindow(total, entry.tolerances);
    const detail = judged.ok ? judged.figures : `${judged.problems.join('; ')} (${judged.figures})`;
    entry.judgement = { ok: judged.ok, detail };
    if (!judged.ok) {
      state.emit('load-deviated', `load ${entry.name} over the whole run: ${detail}`);
      stopRun(state, {
        verdict: 'deviated',
        reason: `load ${entry.name} over the whole run: ${judged.problems.join('; ')}`,
      });
    }
  }
  const notSent = total.notSent.inFlightCap + total.notSent.late;
  const due = total.sent + notSent;
  if (due === 0 || total.sent / due >= shortfallWarning) return;
  const share = Math.round((100 * total.sent) / due);
  const why = `the generator sent ${total.sent} of the ${due} requests due (${share} %): ${total.notSent.late} too late, ${total.notSent.inFlightCap} at the in-flight cap of ${entry.maxInFlight}`;
  state.emit('load-shortfall', `load ${entry.name}: ${why}; the verdict rests on fewer requests than asked`);
  if (total.sent / due < shortfallError)
    stopRun(state, {
      verdict: 'error',
      reason: `load ${entry.name}: ${why}, too few to judge the system by (the machine running Faultline is too busy, or maxInFlight too low)`,
    });
}
