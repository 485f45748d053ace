// What the library's functions take and give, written out as plain types for dist/index.d.ts (the
// engine's own types name TypeBox's and each other's internals). test/unit/library/public-types.test.ts
// checks that every journal, plan and diagnostic the engine makes is one of these.
import type { ExperimentDocument, FaultKind } from './experiment-types.ts';

/** A problem in an experiment: `FILE:LINE:COL: error: spec.faults[0].podKill.count: ...`. */
export type Diagnostic = {
  file: string;
  /** 1-based; absent for a whole-file problem, and for a document or module (no text to point into). */
  line?: number;
  column?: number;
  severity: 'error' | 'warning';
  /** The field path, e.g. spec.faults[1].duration; empty for the document itself. */
  path: string;
  message: string;
  expected?: string;
  found?: string;
};

export type Verdict = 'held' | 'deviated' | 'not-started' | 'aborted' | 'error';

export type Phase =
  | 'recover'
  | 'plan'
  | 'steady-state-before'
  | 'method'
  | 'revert'
  | 'rollbacks'
  | 'recovery'
  | 'steady-state-after'
  | 'done';

/** Where `${NAME}` comes from: `vars` first, then `env`, then the document's `configuration`. */
export type VariableOptions = {
  vars?: Readonly<Record<string, string>>;
  /** Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
};

/** Where the cluster and the fault ledger are, as the CLI's --kubeconfig, --context, --ledger. */
export type ConnectionOptions = {
  /** Default: $KUBECONFIG, in-cluster, ~/.kube/config; read only by experiments that need a cluster. */
  kubeconfig?: string;
  context?: string;
  /** Default: $FAULTLINE_LEDGER, else $XDG_STATE_HOME/faultline/ledger.jsonl (shared with the CLI). */
  ledger?: string;
};

/** An experiment that passed every check, ready for planExperiment and runExperiment. */
export type LoadedExperiment = {
  readonly name: string;
  /** The file it came from, or `(document)` for one passed as an object. */
  readonly file: string;
  /** Its variables substituted (secrets included: never print it; use `redact`). */
  readonly document: ExperimentDocument;
  /** Hides the experiment's secret values (also URL- and base64-encoded) in a text. */
  readonly redact: (text: string) => string;
};

export type LoadResult = {
  /** Present when there is no error. */
  experiment?: LoadedExperiment;
  /** Errors and warnings, in file order; format them with formatDiagnostic. */
  diagnostics: Diagnostic[];
};

/** An experiment file (YAML, JSON, or a .ts/.mts/.js/.mjs module whose default export is one), a document, or a loaded experiment. */
export type ExperimentInput = string | ExperimentDocument | LoadedExperiment;

export type BlastRadius = {
  fault: string;
  pods: { namespace: string; name: string }[];
  unnamedPods?: number;
  podVerb?: 'kills pods' | 'evicts pods' | 'replaces pods' | 'removes pods';
  namespaces: string[];
  nodes: string[];
  workloads: { namespace: string; kind: string; name: string }[];
  proxies: { url: string; proxy: string }[];
  /** A pod kill: how many of the Running pods its selectors match it takes (maxPodsPercent). */
  share?: { taken: number; of: number; selector: string; namespace: string };
  /** A repeating fault (`every`): how many rounds it runs. */
  rounds?: number;
};

export type PlanOptions = VariableOptions &
  Omit<ConnectionOptions, 'ledger'> & {
    /** Default: a new one (printed in the result); the same seed picks the same targets. */
    seed?: number;
  };

export type PlanResult = {
  experiment: string;
  seed: number;
  faults: {
    name: string;
    kind: FaultKind;
    /** What the fault would hit, one row per target (a drained node's pods nested under it). */
    targets: { target: string; namespace?: string; owner?: string; effect?: string; nested?: boolean }[];
    radius: BlastRadius;
  }[];
  /** Safety limits the whole blast radius exceeds: the run would not start. */
  violations: { rule: string; fault?: string; message: string }[];
  /**
   * The API server's dry-run answers (none after a violation): every eviction and cordon, and one
   * deletion per owner of a kill's pods, naming the other pods it stands for.
   */
  dryRun: {
    fault: string;
    action: string;
    namespace?: string;
    name: string;
    outcome: 'ok' | 'forbidden' | 'blocked' | 'gone' | 'failed';
    message?: string;
    podDisruptionBudget?: string;
    standsFor?: string[];
  }[];
  /** What `faultline plan` exits with: 0, 2 (a safety limit), or 6 (a dry run refused). */
  exitCode: number;
};

export type JournalEvent = {
  /** Epoch milliseconds. */
  at: number;
  phase: Phase;
  type: string;
  message: string;
  fault?: string;
  probe?: string;
};

export type JournalSample = {
  probe: string;
  at: number;
  outcome: 'ok' | 'out-of-tolerance' | 'timeout' | 'unreachable' | 'empty' | 'error';
  value?: number | string | boolean | undefined;
  values?: { label: string; value: number | string | boolean | null; ok: boolean }[];
  detail: string;
  durationMs: number;
  attempts: number;
  phase: Phase;
  role: 'hypothesis' | 'abort' | 'rollback' | 'step';
};

export type JournalAction = {
  target: string;
  /** What the ledger holds to undo it (its `kind` and where the target lives). */
  undo: { kind: string };
  ledgerEntry: string;
  injectedAt?: number;
  revertedAt?: number;
  revert?: 'reverted' | 'already-gone' | 'failed';
  revertAttempts?: number;
  error?: string;
  round?: number;
  owner?: string;
  effect?: { outcome: string; afterMs?: number; detail: string };
};

/** The full record of a run, as reports/<run-id>/journal.json holds it. */
export type Journal = {
  journalVersion: 1;
  runId: string;
  experimentFile: string;
  /** The experiment as written: `${NAME}`, never a secret's value. */
  experiment: unknown;
  seed: number;
  startedAt: number;
  deadline?: number;
  endedAt?: number;
  methodStartedAt?: number;
  methodEndedAt?: number;
  verdict?: Verdict;
  reason?: string;
  settings: Record<'durationMs' | 'everyMs' | 'failAfter' | 'recoveryMs' | 'revertTimeoutMs', number>;
  probes: { name: string; role: JournalSample['role']; kind: string; expect: unknown; atMs?: number }[];
  faults: {
    name: string;
    kind: FaultKind;
    startMs: number;
    endMs: number | undefined;
    everyMs?: number;
    rounds?: number;
    actions: JournalAction[];
  }[];
  events: JournalEvent[];
  samples: JournalSample[];
  firstDeviation?: { probe: string; at: number; detail: string };
  ledger: {
    file: string;
    leftBehind: { entry: string; description: string; error: string }[];
    unclosed?: { entry: string; error: string }[];
  };
  registry?: { lease?: string; claims: string[] };
  failedRollbacks?: { probe: string; outcome: string; detail: string }[];
  /** The load streams of spec.load (every figure: the journal's own record, docs/reference.md). */
  load?: { streams: JournalLoadStream[] };
};

/** What a load stream sent and lost in a window of the run. */
export type LoadFigures = {
  sent: number;
  ok: number;
  lost: number;
  lostBy: { wrongStatus: number; timeout: number; connectionFailure: number };
  /** Requests the generator could not send on time: never lost requests. */
  notSent: { inFlightCap: number; late: number };
};

export type JournalLoadStream = {
  name: string;
  url: string;
  ratePerSecond: number;
  startedAt: number;
  stoppedAt?: number;
  /** When the first lost request ended. */
  firstLostAt?: number;
  total?: LoadFigures;
  faultWindows?: { fault: string; from: number; to: number; summary: LoadFigures }[];
  /** The whole-run tolerances (spec.load[].expect), judged once the stream had stopped. */
  judgement?: { ok: boolean; detail: string };
};

export type RunOptions = VariableOptions &
  ConnectionOptions & {
    seed?: number;
    /** Write journal.json, report.md and report.html into `<reportDir>/<run-id>/` (default: none, the journal is returned). */
    reportDir?: string;
    /** Also write a JUnit XML report here (with reportDir). */
    junitFile?: string;
    /** How long each revert is retried, and the rollbacks' own deadline (default 60 s). */
    revertTimeoutMs?: number;
    /** Stops the run: every fault is reverted and the verdict is `aborted`. */
    signal?: AbortSignal;
    /** Every journal event as it happens. */
    onEvent?: (event: JournalEvent) => void;
    /** Every probe sample as it is taken. */
    onSample?: (sample: JournalSample) => void;
  };

export type RunResult = {
  runId: string;
  seed: number;
  /** `error`: a fault could not be injected, or the environment failed (a run that broke unexpectedly throws instead). */
  verdict: Verdict;
  /** Why it ended so, in one sentence. */
  reason: string;
  /** What `faultline run` exits with: 0 held, 1 deviated, 3 not started, 4 aborted, 5 something left behind, 6 error. */
  exitCode: number;
  journal: Journal;
  /** Faults that could not be reverted (the ledger keeps them open for `faultline recover`). */
  leftBehind: Journal['ledger']['leftBehind'];
  /** A rollback did not succeed. */
  rollbackFailed: boolean;
  /** With reportDir: the files written. */
  reports?: { journal: string; markdown: string; html: string; junit?: string };
  /** With reportDir: why the reports could not be rendered (the journal file is complete). */
  reportError?: string;
};
