// The experiment format: the single source of the TypeScript types (Static<...>) and of the
// published JSON Schema (schema/experiment.schema.json is generated from ExperimentSchema).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Fault } from './fault-schema.ts';
import { LoadProbe, LoadStream, loadToleranceKeys, loadToleranceProperties, Rate } from './load-schema.ts';
import { Duration, LabelSelector, Name, Percent, strict, VariableName } from './schema-primitives.ts';
import { StatusExpectation, Tolerance, toleranceKeys, toleranceProperties } from './tolerance-schema.ts';

export const apiVersion = 'faultline.dev/v1alpha1';

export {
  Fault,
  type FaultDocument,
  type FaultKind,
  type FaultSpecs,
  faultKinds,
  faultSpecSchemas,
  toxicTypes,
} from './fault-schema.ts';
export { Duration, Name, VariableName } from './schema-primitives.ts';

export { Tolerance, toleranceKeys } from './tolerance-schema.ts';

// One `expect` shape for every probe kind; which keys fit which kind is checked after the schema.
export const Expect = Type.Object(
  {
    ...toleranceProperties,
    status: Type.Optional(StatusExpectation),
    latencyMs: Type.Optional(Tolerance),
    bodyMatches: Type.Optional(Type.String({ description: 'A regular expression the body must match.' })),
    ...loadToleranceProperties,
    exitCode: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    outputMatches: Type.Optional(Type.String({ description: 'A regular expression stdout must match.' })),
  },
  strict,
);

export const HttpProbe = Type.Object(
  {
    url: Type.String({ minLength: 1 }),
    method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('HEAD'), Type.Literal('POST')])),
    timeout: Type.Optional(Duration),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    burst: Type.Optional(
      Type.Object(
        {
          requests: Type.Integer({ minimum: 1, maximum: 10000 }),
          concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 256 })),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const PrometheusProbe = Type.Object(
  {
    url: Type.String({ minLength: 1 }),
    query: Type.String({ minLength: 1 }),
    aggregate: Type.Optional(
      Type.Union(
        [
          Type.Literal('each'),
          Type.Literal('max'),
          Type.Literal('min'),
          Type.Literal('sum'),
          Type.Literal('avg'),
        ],
        {
          description:
            'How a vector result is judged: each series on its own (default), or one aggregated value.',
        },
      ),
    ),
    onEmpty: Type.Optional(
      Type.Union([Type.Literal('fail'), Type.Literal('pass'), Type.Literal('zero')], {
        description: 'What an empty result means: a failed sample (default), a passing one, or the value 0.',
      }),
    ),
  },
  strict,
);

export const KubernetesProbe = Type.Object(
  {
    kind: Type.String({
      minLength: 1,
      description: 'Deployment, Pod, Node, PodDisruptionBudget, StatefulSet, ...',
    }),
    apiVersion: Type.Optional(Type.String()),
    namespace: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    selector: Type.Optional(LabelSelector),
    field: Type.String({
      minLength: 1,
      description: 'A dotted path into the object, e.g. status.readyReplicas.',
    }),
  },
  strict,
);

export const CommandProbe = Type.Object(
  {
    run: Type.Array(Type.String(), { minItems: 1, description: 'The program and its arguments (no shell).' }),
    timeout: Type.Optional(Duration),
    env: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  strict,
);

export const probeKinds = ['http', 'prometheus', 'kubernetes', 'command', 'load'] as const;

// Which `expect` keys fit which probe kind (checked after the schema, which allows them all).
export const expectKeysByProbeKind = {
  http: ['status', 'latencyMs', 'bodyMatches', 'errorRatio', 'p50Ms', 'p95Ms', 'p99Ms'],
  prometheus: toleranceKeys,
  kubernetes: toleranceKeys,
  command: ['exitCode', 'outputMatches'],
  load: loadToleranceKeys,
} as const satisfies Record<(typeof probeKinds)[number], readonly string[]>;

export const Probe = Type.Object(
  {
    name: Name,
    http: Type.Optional(HttpProbe),
    prometheus: Type.Optional(PrometheusProbe),
    kubernetes: Type.Optional(KubernetesProbe),
    command: Type.Optional(CommandProbe),
    load: Type.Optional(LoadProbe),
    expect: Expect,
    timeout: Type.Optional(Duration),
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  },
  { ...strict, 'x-one-of': probeKinds },
);

// A probe as a method step: sampled once, `at` an offset into the method, recorded in the journal.
export const Step = Type.Object(
  {
    ...Probe.properties,
    at: Duration,
  },
  { ...strict, 'x-one-of': probeKinds },
);

export const Hypothesis = Type.Object(
  {
    probes: Type.Array(Probe, { minItems: 1 }),
    during: Type.Optional(
      Type.Object(
        {
          every: Duration,
          failAfter: Type.Optional(
            Type.Integer({ minimum: 1, description: 'Consecutive failed samples that deviate.' }),
          ),
        },
        strict,
      ),
    ),
  },
  strict,
);

export const Safety = Type.Object(
  {
    namespaces: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'The namespace allow-list.' }),
    ),
    optInLabel: Type.Optional(
      Type.String({ description: 'Only targets carrying this label (key or key=value).' }),
    ),
    maxPodsPercent: Type.Optional(Percent),
    maxPods: Type.Optional(Type.Integer({ minimum: 0 })),
    maxNodes: Type.Optional(Type.Integer({ minimum: 0 })),
    apiRate: Type.Optional({
      ...Rate,
      description:
        'At most this many pod deletions, cordons and evictions a second to the Kubernetes API, over the whole run, and the dry runs of plan (a client-side rate, e.g. 50/s); unset: only the concurrency bounds them.',
    }),
  },
  strict,
);

// A variable whose value is never printed: read from an environment variable or a file.
export const Secret = Type.Object(
  {
    env: Type.Optional(Type.String({ minLength: 1 })),
    file: Type.Optional(Type.String({ minLength: 1 })),
  },
  { ...strict, 'x-one-of': ['env', 'file'] },
);

export const ExperimentSpec = Type.Object(
  {
    description: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    configuration: Type.Optional(
      Type.Record(VariableName, Type.String(), {
        ...strict,
        description: 'Default values for variable substitution; the environment and --var override them.',
      }),
    ),
    secrets: Type.Optional(
      Type.Record(VariableName, Secret, {
        ...strict,
        description:
          'Variables read from an environment variable or a file (relative to the experiment, at most 64 KiB); their values (at least 4 characters) are never printed, neither as given nor URL- or base64-encoded.',
      }),
    ),
    duration: Duration,
    load: Type.Optional(
      Type.Array(LoadStream, {
        description:
          'Load streams: constant-rate HTTP traffic from before the steady state before to the end of the steady state after.',
      }),
    ),
    hypothesis: Hypothesis,
    faults: Type.Array(Fault, { minItems: 1 }),
    abortWhen: Type.Optional(Type.Array(Probe)),
    steps: Type.Optional(
      Type.Array(Step, { description: 'Probes sampled once at a point of the method, for the record.' }),
    ),
    rollbacks: Type.Optional(
      Type.Array(Probe, { description: 'Extra actions after every fault is reverted.' }),
    ),
    recovery: Type.Optional(Duration),
    safety: Type.Optional(Safety),
  },
  strict,
);

// Kubernetes-style metadata, shared by every kind of document.
export const Metadata = Type.Object(
  {
    name: Name,
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  strict,
);

export const ExperimentSchema = Type.Object(
  {
    apiVersion: Type.Literal(apiVersion),
    kind: Type.Literal('Experiment'),
    metadata: Metadata,
    spec: ExperimentSpec,
  },
  { ...strict, $id: 'https://faultline.dev/schemas/v1alpha1/experiment.json', title: 'Faultline Experiment' },
);

export type ExperimentDocument = Static<typeof ExperimentSchema>;
export type ProbeSpec = Static<typeof Probe>;
export type StepSpec = Static<typeof Step>;
export type ExpectSpec = Static<typeof Expect>;
export type ToleranceSpec = Static<typeof Tolerance>;
export type HttpProbeSpec = Static<typeof HttpProbe>;
export type PrometheusProbeSpec = Static<typeof PrometheusProbe>;
export type KubernetesProbeSpec = Static<typeof KubernetesProbe>;
export type CommandProbeSpec = Static<typeof CommandProbe>;
export type {
  LoadExpectSpec,
  LoadProbeSpec,
  LoadStreamSpec,
  LoadToleranceKey,
} from './load-schema.ts';
export { loadToleranceKeys } from './load-schema.ts';
export type SafetySpec = Static<typeof Safety>;
export type ProbeKind = (typeof probeKinds)[number];
export type AnySchema = TSchema;
export type {
  NodeCordonFaultSpec,
  NodeDrainFaultSpec,
  PartitionFaultSpec,
  PodKillFaultSpec,
  ToxiproxyFaultSpec,
} from './fault-schema.ts';
