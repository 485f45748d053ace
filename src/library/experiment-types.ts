// The experiment document as a user writes it (YAML, JSON or a TypeScript module), written out as
// plain types for dist/index.d.ts: TypeBox's inferred types (src/experiment/schema.ts) name its
// unique symbols, which a declaration file cannot, and a user's project has no TypeBox. Kept equal
// to the schema's types by test/unit/library/public-types.test.ts (a type error there on drift).
// Field meanings: docs/reference.md.

/** A duration: a number and a unit, e.g. `500ms`, `30s`, `2m`, `1h`. */
export type Duration = string;

/** A tolerance: the measured value must be below / above / at most / at least / between / equal. */
export type Tolerance = {
  below?: number;
  above?: number;
  atMost?: number;
  atLeast?: number;
  /** Inclusive range [low, high]. */
  between?: [number, number];
  equals?: number | string | boolean;
};

/** What a sample must show; which keys fit which probe kind is checked at load. */
export type Expect = Tolerance & {
  status?: number | number[];
  latencyMs?: Tolerance;
  bodyMatches?: string;
  errorRatio?: Tolerance;
  p50Ms?: Tolerance;
  p95Ms?: Tolerance;
  p99Ms?: Tolerance;
  /** A load probe: requests sent and not answered as expected. */
  lostRequests?: Tolerance;
  /** A load probe: requests answered as expected, per second. */
  throughput?: Tolerance;
  exitCode?: number;
  outputMatches?: string;
};

export type HttpProbe = {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  timeout?: Duration;
  headers?: Record<string, string>;
  burst?: { requests: number; concurrency?: number };
};

export type PrometheusProbe = {
  url: string;
  query: string;
  aggregate?: 'each' | 'max' | 'min' | 'sum' | 'avg';
  onEmpty?: 'fail' | 'pass' | 'zero';
};

export type KubernetesProbe = {
  /** Deployment, Pod, Node, PodDisruptionBudget, StatefulSet, ... */
  kind: string;
  apiVersion?: string;
  namespace?: string;
  name?: string;
  selector?: string;
  /** A dotted path into the object, e.g. status.readyReplicas. */
  field: string;
};

/** A load probe: the trailing `window` of the stream of spec.load named `stream`. */
export type LoadProbe = { stream: string; window: Duration };

export type CommandProbe = { run: string[]; timeout?: Duration; env?: Record<string, string> };

/** One probe: exactly one of http, prometheus, kubernetes, command, load. */
export type Probe = {
  name: string;
  http?: HttpProbe;
  prometheus?: PrometheusProbe;
  kubernetes?: KubernetesProbe;
  command?: CommandProbe;
  load?: LoadProbe;
  expect: Expect;
  timeout?: Duration;
  retries?: number;
};

/** A probe sampled once at `at` into the method, for the record. */
export type Step = Probe & { at: Duration };

export type ToxicType =
  | 'latency'
  | 'bandwidth'
  | 'slow_close'
  | 'timeout'
  | 'reset_peer'
  | 'slicer'
  | 'limit_data';

export type ToxiproxyFault = {
  url: string;
  proxy: string;
  toxic: ToxicType;
  attributes?: Record<string, number>;
  stream?: 'upstream' | 'downstream';
  toxicity?: number;
  listen?: string;
  upstream?: string;
};

export type PartitionFault = { url: string; proxy: string; listen?: string; upstream?: string };

export type PodKillFault = {
  namespace: string;
  selector: string;
  fieldSelector?: string;
  count?: number;
  percent?: number;
  gracePeriod?: Duration;
  every?: Duration;
};

export type NodeDrainFault = {
  selector: string;
  count?: number;
  percent?: number;
  timeout?: Duration;
  deleteEmptyDirData?: boolean;
  force?: boolean;
};

export type NodeCordonFault = { selector: string; count?: number; percent?: number };

export type RolloutRestartFault = {
  namespace: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  wait?: boolean;
  timeout?: Duration;
};

/** Exactly one of replicas and delta. */
export type ScaleFault = {
  namespace: string;
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  replicas?: number;
  delta?: number;
  allowAutoscaler?: boolean;
};

/** Exactly one of run and inject. */
export type CommandFault = {
  run?: string[];
  inject?: string[];
  revert?: string[];
  env?: Record<string, string>;
  timeout?: Duration;
};

/** Every fault kind, by the key that names it in a fault. */
export type FaultSpecs = {
  toxiproxy: ToxiproxyFault;
  partition: PartitionFault;
  podKill: PodKillFault;
  nodeDrain: NodeDrainFault;
  nodeCordon: NodeCordonFault;
  rolloutRestart: RolloutRestartFault;
  scale: ScaleFault;
  command: CommandFault;
};

export type FaultKind = keyof FaultSpecs;

/** A fault as written: its name, exactly one kind key (`podKill: {...}`), and its timing. */
export type Fault = { name: string; start?: Duration; duration?: Duration } & {
  [K in FaultKind]?: FaultSpecs[K];
};

export type Safety = {
  namespaces?: string[];
  optInLabel?: string;
  maxPodsPercent?: number;
  maxPods?: number;
  maxNodes?: number;
  /** At most this many pod deletions, cordons and evictions a second, over the whole run. */
  apiRate?: Rate;
};

/** Requests per second, or a count per unit: `200/s`, `12000/m`, `3600/h`. */
export type Rate = number | string;

/** A load stream: constant-rate HTTP traffic through the whole run (docs/reference.md, spec.load). */
export type LoadStream = {
  name: string;
  http: {
    url: string;
    /** GET (the default), HEAD, POST, PUT, PATCH, DELETE or OPTIONS. */
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    timeout?: Duration;
  };
  rate: Rate;
  ramp?: { from: Rate; over: Duration };
  maxInFlight?: number;
  lateAfter?: Duration;
  /** The status of an answer as expected, and tolerances over the whole run. */
  expect?: {
    status?: number | number[];
    lostRequests?: Tolerance;
    errorRatio?: Tolerance;
    p50Ms?: Tolerance;
    p95Ms?: Tolerance;
    p99Ms?: Tolerance;
    throughput?: Tolerance;
  };
};

/** A variable whose value is never printed: from an environment variable or a file. */
export type Secret = { env?: string; file?: string };

export type ExperimentSpec = {
  description?: string;
  tags?: string[];
  /** Default values for `${NAME}`; the environment and `vars` override them. */
  configuration?: Record<string, string>;
  secrets?: Record<string, Secret>;
  duration: Duration;
  load?: LoadStream[];
  hypothesis: {
    probes: Probe[];
    during?: { every: Duration; failAfter?: number };
  };
  faults: Fault[];
  abortWhen?: Probe[];
  steps?: Step[];
  rollbacks?: Probe[];
  recovery?: Duration;
  safety?: Safety;
};

/** An experiment document: what a YAML file holds and what defineExperiment() takes. */
export type ExperimentDocument = {
  apiVersion: 'faultline.dev/v1alpha1';
  kind: 'Experiment';
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: ExperimentSpec;
};
