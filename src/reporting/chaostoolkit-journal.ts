// A run's journal in Chaos Toolkit's shape, for the tools that read Chaos Toolkit journals
// (`faultline run FILE --ctk-journal OUT` on a Chaos Toolkit file): the keys of chaostoolkit-lib
// 1.44's journal.json (status, deviated, steady_states, run, rollbacks, start, end, duration), the
// experiment as the user wrote it, and each activity found in it by name. Faultline's own journal
// stays the record; this is a rendering of it. Pure.
import type { Journal, JournalSample } from '../engine/journal.ts';

type Activity = Record<string, unknown>;

export type ChaosToolkitRun = {
  activity: Activity;
  output: unknown;
  start: string;
  end: string;
  duration: number;
  status: 'succeeded' | 'failed';
  tolerance_met?: boolean;
};

export type ChaosToolkitCheck = { steady_state_met: boolean; probes: ChaosToolkitRun[] };

export type ChaosToolkitJournal = {
  'chaoslib-version': null;
  faultline: { version: string; runId: string; verdict?: string; reason?: string };
  platform: string;
  node: string;
  experiment: unknown;
  start: string;
  end: string;
  duration: number;
  status: 'completed' | 'failed' | 'aborted' | 'interrupted';
  deviated: boolean;
  steady_states: {
    before: ChaosToolkitCheck | null;
    after: ChaosToolkitCheck | null;
    during: ChaosToolkitCheck[];
  };
  run: ChaosToolkitRun[];
  rollbacks: ChaosToolkitRun[];
};

export type ChaosToolkitJournalContext = {
  /** The Chaos Toolkit experiment as parsed from the file, before any substitution. */
  experiment: unknown;
  version: string;
  platform: string;
  node: string;
};

const iso = (ms: number) => new Date(ms).toISOString();
const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

// The activity the user wrote under this name (method, hypothesis or rollbacks), or just its name.
function activityNamed(experiment: unknown, name: string, type: 'action' | 'probe'): Activity {
  const written = record(experiment);
  const candidates = [
    ...list(written.method),
    ...list(record(written['steady-state-hypothesis']).probes),
    ...list(written.rollbacks),
  ].map(record);
  return candidates.find((activity) => activity.name === name && !('ref' in activity)) ?? { type, name };
}

function probeRun(sample: JournalSample, experiment: unknown): ChaosToolkitRun {
  const answered = sample.outcome === 'ok' || sample.outcome === 'out-of-tolerance';
  return {
    activity: activityNamed(experiment, sample.probe, 'probe'),
    output: { outcome: sample.outcome, value: sample.value ?? null, detail: sample.detail },
    start: iso(sample.at),
    end: iso(sample.at + sample.durationMs),
    duration: sample.durationMs / 1000,
    status: answered ? 'succeeded' : 'failed',
    tolerance_met: sample.outcome === 'ok',
  };
}

function check(samples: JournalSample[], experiment: unknown): ChaosToolkitCheck | null {
  if (samples.length === 0) return null;
  const probes = samples.map((sample) => probeRun(sample, experiment));
  return { steady_state_met: probes.every((probe) => probe.tolerance_met), probes };
}

// Chaos Toolkit's words for how a run ended: a deviation is "failed" with deviated true, an
// interrupt "interrupted".
function statusOf(journal: Journal): ChaosToolkitJournal['status'] {
  if (journal.verdict === 'held') return 'completed';
  if (journal.verdict === 'aborted')
    return /^interrupted/.test(journal.reason ?? '') ? 'interrupted' : 'aborted';
  return 'failed';
}

function methodRuns(journal: Journal, experiment: unknown): ChaosToolkitRun[] {
  const injections = journal.faults.flatMap((fault) =>
    fault.actions.map(
      (action): ChaosToolkitRun => ({
        activity: activityNamed(experiment, fault.name, 'action'),
        output: action.target,
        start: iso(action.injectedAt ?? journal.methodStartedAt ?? journal.startedAt),
        end: iso(action.injectedAt ?? journal.methodStartedAt ?? journal.startedAt),
        duration: 0,
        status: action.injectedAt === undefined ? 'failed' : 'succeeded',
      }),
    ),
  );
  const steps = journal.samples
    .filter((sample) => sample.role === 'step')
    .map((sample) => probeRun(sample, experiment));
  return [...injections, ...steps].sort((a, b) => a.start.localeCompare(b.start));
}

// Faultline's reverts (which stand for the rollbacks the import found unneeded), then its rollbacks.
function rollbackRuns(journal: Journal, experiment: unknown): ChaosToolkitRun[] {
  const reverts = journal.faults.flatMap((fault) =>
    fault.actions
      .filter((action) => action.revert !== undefined)
      .map(
        (action): ChaosToolkitRun => ({
          activity: { type: 'action', name: `revert ${fault.name}`, provider: { type: 'faultline' } },
          output: `${action.target}: ${action.revert}`,
          start: iso(action.revertedAt ?? journal.methodEndedAt ?? journal.startedAt),
          end: iso(action.revertedAt ?? journal.methodEndedAt ?? journal.startedAt),
          duration: 0,
          status: action.revert === 'failed' ? 'failed' : 'succeeded',
        }),
      ),
  );
  const rollbacks = journal.samples
    .filter((sample) => sample.role === 'rollback')
    .map((sample) => ({ ...probeRun(sample, experiment), tolerance_met: undefined }));
  return [...reverts, ...rollbacks];
}

export function renderChaosToolkitJournal(
  journal: Journal,
  context: ChaosToolkitJournalContext,
): ChaosToolkitJournal {
  const { experiment } = context;
  const hypothesis = (phase: string) =>
    journal.samples.filter((sample) => sample.role === 'hypothesis' && sample.phase === phase);
  const ended = journal.endedAt ?? journal.startedAt;
  return {
    'chaoslib-version': null,
    faultline: {
      version: context.version,
      runId: journal.runId,
      verdict: journal.verdict,
      reason: journal.reason,
    },
    platform: context.platform,
    node: context.node,
    experiment,
    start: iso(journal.startedAt),
    end: iso(ended),
    duration: (ended - journal.startedAt) / 1000,
    status: statusOf(journal),
    deviated: journal.verdict === 'deviated',
    steady_states: {
      before: check(hypothesis('steady-state-before'), experiment),
      after: check(hypothesis('steady-state-after'), experiment),
      during: hypothesis('method').map((sample) => check([sample], experiment) as ChaosToolkitCheck),
    },
    run: methodRuns(journal, experiment),
    rollbacks: rollbackRuns(journal, experiment),
  };
}
