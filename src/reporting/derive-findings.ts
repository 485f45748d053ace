import type { Journal, JournalFault } from '../engine/journal.ts';
import { describeUndo, isUndoKind } from '../faults/undo-handlers.ts';
import type { UndoRecord } from '../faults/undo-record.ts';
import { activeSpans, analyzeProbes, type ProbeAnalysis } from './analyze-probes.ts';
import { deriveLessons } from './derive-lessons.ts';
import { loadLessons } from './derive-load-lessons.ts';
import { deriveTimeline } from './derive-timeline.ts';
import {
  describeFaultSpec,
  describeSafety,
  type ExperimentSummary,
  findFaultSpec,
  summarizeExperiment,
} from './experiment-parts.ts';
import type { ActionRow, Detection, Findings } from './findings.ts';
import { formatDuration } from './format-time.ts';

export function deriveFindings(journal: Journal): Findings {
  const experiment = summarizeExperiment(journal.experiment, journal.runId);
  const origin = journal.startedAt;
  const lastSeen = Math.max(
    origin,
    ...journal.events.map((e) => e.at),
    ...journal.samples.map((s) => s.at + (s.durationMs || 0)),
  );
  const end = journal.endedAt ?? lastSeen;
  const spans = activeSpans(journal, end);
  const probes = analyzeProbes(journal, spans);
  const actions = actionRows(journal);
  const revertFailed = actions.some((a) => a.revert === 'failed') || journal.ledger.leftBehind.length > 0;
  const detection = deriveDetection(journal, probes, actions);
  const base = {
    journal,
    experiment,
    verdict: journal.verdict ?? ('unknown' as const),
    reason: journal.reason ?? 'the journal records no reason',
    origin,
    end,
    revertFailed,
    probes,
    actions,
    spans,
    detection,
  };
  const verdictSentence = describeVerdict(base);
  const timeline = deriveTimeline(journal, probes);
  const load = journal.load?.streams ?? [];
  const lessons = deriveLessons(base);
  const fromLoad = loadLessons(load);
  return {
    ...base,
    verdictSentence,
    timeline,
    blastRadius: describeBlastRadius(journal, experiment, actions),
    settings: describeSettings(journal),
    load,
    wentWell: [...lessons.wentWell, ...fromLoad.wentWell],
    wentWrong: [...lessons.wentWrong, ...fromLoad.wentWrong],
    lucky: lessons.lucky,
    followUps: [...new Set([...lessons.followUps, ...fromLoad.followUps])],
  };
}

// A journal from a newer Faultline may hold an undo kind this one does not know.
function describeUndoOf(undo: UndoRecord): string {
  const kind: unknown = (undo as { kind?: unknown } | undefined)?.kind;
  return isUndoKind(kind) ? describeUndo(undo) : `${String(kind)} undo (unknown to this version)`;
}

function actionRows(journal: Journal): ActionRow[] {
  const method = journal.methodStartedAt;
  return journal.faults.flatMap((fault: JournalFault) => {
    const spec = findFaultSpec(journal.experiment, fault.name);
    const retries = journal.events
      .filter((e) => e.type === 'revert-retry' && e.fault === fault.name)
      .map((e) => e.message);
    // revert-retry events name the fault only: with one action retried, they are all its own.
    const retried = fault.actions.filter((a) => (a.revertAttempts ?? 1) > 1);
    const retriesOf = (action: (typeof fault.actions)[number]) =>
      (action.revertAttempts ?? 1) <= 1
        ? []
        : retried.length === 1
          ? retries
          : retries.filter((r) => r.includes(action.target) || r.includes(describeUndoOf(action.undo)));
    return fault.actions.map((action) => ({
      fault: fault.name,
      kind: fault.kind,
      description: describeFaultSpec(spec, fault.kind),
      target: action.target,
      undo: describeUndoOf(action.undo),
      undoKind: action.undo.kind,
      ledgerEntry: action.ledgerEntry,
      round: action.round,
      owner: action.owner,
      effect: action.effect,
      plannedFrom: method !== undefined ? method + fault.startMs : undefined,
      plannedTo: method !== undefined && fault.endMs !== undefined ? method + fault.endMs : undefined,
      injectedAt: action.injectedAt,
      revertedAt: action.revertedAt,
      revert: action.revert,
      attempts: action.revertAttempts,
      error: action.error,
      retries: retriesOf(action),
    }));
  });
}

function deriveDetection(journal: Journal, probes: ProbeAnalysis[], actions: ActionRow[]): Detection {
  const injected = actions.map((a) => a.injectedAt).filter((t): t is number => t !== undefined);
  const firstInjectedAt = injected.length > 0 ? Math.min(...injected) : undefined;
  const reverted = actions.filter((a) => a.injectedAt !== undefined);
  const allReverted = reverted.length > 0 && reverted.every((a) => a.revert && a.revert !== 'failed');
  const lastRevertedAt = allReverted ? Math.max(...reverted.map((a) => a.revertedAt ?? 0)) : undefined;
  const declared = probes
    .filter((p) => p.role === 'hypothesis')
    .flatMap((p) => p.windows.filter((w) => w.deviated))
    .map((w) => (w.phase === 'method' ? w.samples[journal.settings.failAfter - 1] : w.samples[0]))
    .filter((s) => s !== undefined)
    .map((s) => s.at + (s.durationMs || 0));
  const deviationDeclaredAt = declared.length > 0 ? Math.min(...declared) : undefined;
  const since = (from: number | undefined, to: number | undefined) =>
    from !== undefined && to !== undefined ? to - from : undefined;
  const first = journal.firstDeviation;
  return {
    firstInjectedAt,
    firstOutOfTolerance: first,
    deviationDeclaredAt,
    lastRevertedAt,
    toFirstOutOfToleranceMs: since(firstInjectedAt, first?.at),
    toDeclaredMs: since(firstInjectedAt, deviationDeclaredAt),
    toAllRevertedMs: since(firstInjectedAt, lastRevertedAt),
    declaredToRevertedMs: since(deviationDeclaredAt, lastRevertedAt),
    fastestDeclarationMs: journal.settings.everyMs * (journal.settings.failAfter - 1),
  };
}

const describeProbeCount = (n: number) =>
  n === 1 ? 'its hypothesis probe' : n === 2 ? 'both hypothesis probes' : `all ${n} hypothesis probes`;

type VerdictInput = Pick<Findings, 'journal' | 'verdict' | 'reason' | 'probes' | 'actions' | 'revertFailed'>;

// The summary in one sentence: what was injected, what the hypothesis did, what is left behind.
export function describeVerdict(input: VerdictInput): string {
  const { journal, verdict, reason, probes, actions } = input;
  const hypothesis = probes.filter((p) => p.role === 'hypothesis');
  const faults = [...new Map(actions.map((a) => [a.fault, a])).values()]
    .filter((a) => a.injectedAt !== undefined)
    .map((a) => `${a.fault}, a ${a.description}`);
  const names = [...new Set(actions.filter((a) => a.injectedAt !== undefined).map((a) => a.fault))];
  const against =
    faults.length === 0
      ? 'no fault'
      : faults.length <= 3
        ? faults.join('; and ')
        : `${faults.length} faults (${names.slice(0, 3).join(', ')} and ${names.length - 3} more)`;
  const deviated = hypothesis.filter((p) => p.deviated).map((p) => p.name);
  let sentence: string;
  switch (verdict) {
    case 'held':
      sentence = `The steady-state hypothesis held: ${describeProbeCount(hypothesis.length)} stayed within tolerance before, during and after ${against}`;
      break;
    case 'deviated':
      sentence = `The steady-state hypothesis deviated under ${against}: ${deviated.length > 0 ? `${deviated.join(', ')} left ${deviated.length === 1 ? 'its' : 'their'} tolerance` : reason}`;
      break;
    case 'not-started':
      sentence = `The experiment did not start: the system was not in its steady state before anything was injected (${reason.replace(/^steady state not met: /, '')})`;
      break;
    case 'aborted':
      sentence = `The run was aborted (${reason}) ${faults.length > 0 ? `while testing ${against}` : 'before any fault was injected'}`;
      break;
    case 'error':
      sentence = `The run stopped on an environment error: ${reason}`;
      break;
    case 'unknown':
      sentence = `The journal of run ${journal.runId} records no verdict`;
      break;
  }
  if (input.revertFailed) {
    const left = journal.ledger.leftBehind.map((l) => l.description);
    const failed = left.length > 0 ? left : actions.filter((a) => a.revert === 'failed').map((a) => a.undo);
    return `${sentence}; ${failed.length} fault action${failed.length === 1 ? '' : 's'} could NOT be reverted and may still be in place (${failed.join('; ')}).`;
  }
  const failedRollbacks = (journal.failedRollbacks ?? []).map((r) => r.probe);
  const rollbacks =
    failedRollbacks.length > 0
      ? `; the rollback${failedRollbacks.length === 1 ? '' : 's'} ${failedRollbacks.join(', ')} FAILED`
      : '';
  if ((verdict === 'aborted' || verdict === 'error') && faults.length > 0)
    return `${sentence}; every injected fault was reverted${rollbacks}.`;
  return `${sentence}${rollbacks}.`;
}

function describeBlastRadius(
  journal: Journal,
  experiment: ExperimentSummary,
  actions: ActionRow[],
): string[] {
  const injected = actions.filter((a) => a.injectedAt !== undefined);
  const targets = [...new Set(injected.map((a) => a.target))];
  const lines = [
    injected.length === 0
      ? 'Nothing was injected.'
      : `${injected.length} fault action${injected.length === 1 ? '' : 's'} on ${targets.length} target${targets.length === 1 ? '' : 's'}: ${targets.join(', ')}.`,
    `Targets were selected with seed ${journal.seed}; running again with --seed ${journal.seed} replays the same selection.`,
  ];
  const safety = describeSafety(experiment.safety);
  lines.push(
    safety.length > 0
      ? `Safety limits: ${safety.join('; ')}.`
      : 'The experiment set no safety limits (namespaces, opt-in label, maximum pods or nodes).',
  );
  return lines;
}

function describeSettings(journal: Journal): [string, string][] {
  const s = journal.settings;
  return [
    ['run id', journal.runId],
    ['experiment file', journal.experimentFile],
    ['seed', String(journal.seed)],
    ['method duration', formatDuration(s.durationMs)],
    ['hypothesis sampled every', formatDuration(s.everyMs)],
    ['deviation after', `${s.failAfter} failed sample${s.failAfter === 1 ? '' : 's'} in a row`],
    ['recovery before the final check', formatDuration(s.recoveryMs)],
    ['revert timeout', formatDuration(s.revertTimeoutMs)],
    ['fault ledger', journal.ledger.file],
    ['journal version', String(journal.journalVersion)],
  ];
}
