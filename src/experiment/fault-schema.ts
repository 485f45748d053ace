// The fault kinds of an experiment, one schema each. Adding a kind is one schema here, one entry in
// faultSpecSchemas, and one driver in src/faults/ registered in fault-drivers.ts.
import { type Static, type TOptional, type TSchema, Type } from '@sinclair/typebox';
import { Duration, LabelSelector, Name, Percent, strict } from './schema-primitives.ts';

export const toxicTypes = [
  'latency',
  'bandwidth',
  'slow_close',
  'timeout',
  'reset_peer',
  'slicer',
  'limit_data',
] as const;

export const ToxiproxyFault = Type.Object(
  {
    url: Type.String({ minLength: 1 }),
    proxy: Type.String({ minLength: 1 }),
    toxic: Type.Union(toxicTypes.map((t) => Type.Literal(t))),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Number())),
    stream: Type.Optional(Type.Union([Type.Literal('upstream'), Type.Literal('downstream')])),
    toxicity: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    listen: Type.Optional(Type.String({ description: 'Creates the proxy if missing (removed on revert).' })),
    upstream: Type.Optional(Type.String()),
  },
  strict,
);

export const PartitionFault = Type.Object(
  {
    url: Type.String({ minLength: 1 }),
    proxy: Type.String({ minLength: 1 }),
    listen: Type.Optional(Type.String()),
    upstream: Type.Optional(Type.String()),
  },
  strict,
);

export const PodKillFault = Type.Object(
  {
    namespace: Type.String({ minLength: 1 }),
    selector: LabelSelector,
    fieldSelector: Type.Optional(Type.String()),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    percent: Type.Optional(Percent),
    gracePeriod: Type.Optional(Duration),
    every: Type.Optional(Duration),
  },
  {
    ...strict,
    description:
      'Deletes pods picked among the Running ones the selectors match (read as metadata only). `plan` checks one deletion per owner with a server-side dry run, standing for its other pods.',
  },
);

export const NodeDrainFault = Type.Object(
  {
    selector: LabelSelector,
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    percent: Type.Optional(Percent),
    timeout: Type.Optional(Duration),
    deleteEmptyDirData: Type.Optional(Type.Boolean()),
    force: Type.Optional(
      Type.Boolean({ description: 'Also evict pods that no controller replaces (kubectl drain --force).' }),
    ),
  },
  strict,
);

export const NodeCordonFault = Type.Object(
  {
    selector: LabelSelector,
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    percent: Type.Optional(Percent),
  },
  strict,
);

const WorkloadKind = Type.Union([
  Type.Literal('Deployment'),
  Type.Literal('StatefulSet'),
  Type.Literal('DaemonSet'),
]);

export const RolloutRestartFault = Type.Object(
  {
    namespace: Type.String({ minLength: 1 }),
    kind: WorkloadKind,
    name: Type.String({ minLength: 1 }),
    wait: Type.Optional(
      Type.Boolean({
        description: 'The fault lasts until the rollout is complete (kubectl rollout status).',
      }),
    ),
    timeout: Type.Optional(Duration),
  },
  {
    ...strict,
    description:
      "What `kubectl rollout restart` does: every pod replaced by the workload's own rollout strategy. Nothing to revert.",
  },
);

export const ScaleFault = Type.Object(
  {
    namespace: Type.String({ minLength: 1 }),
    kind: Type.Union([Type.Literal('Deployment'), Type.Literal('StatefulSet')]),
    name: Type.String({ minLength: 1 }),
    replicas: Type.Optional(Type.Integer({ minimum: 0, description: 'Set the replicas to this.' })),
    delta: Type.Optional(Type.Integer({ description: 'Change the replicas by this (e.g. -1).' })),
    allowAutoscaler: Type.Optional(
      Type.Boolean({
        description: 'Scale even when a HorizontalPodAutoscaler targets the workload (the two would fight).',
      }),
    ),
  },
  { ...strict, 'x-one-of': ['replicas', 'delta'], description: 'The revert restores the replicas it found.' },
);

const Argv = Type.Array(Type.String(), {
  minItems: 1,
  description: 'A program and its arguments (no shell).',
});

export const CommandFault = Type.Object(
  {
    run: Type.Optional({
      ...Argv,
      description:
        'A program that is the fault while it runs: started at the inject, stopped with its whole process group at the revert.',
    }),
    inject: Type.Optional({
      ...Argv,
      description: 'A program that injects the fault (its exit code 0 says it did).',
    }),
    revert: Type.Optional({ ...Argv, description: 'The program that reverts what `inject` did.' }),
    env: Type.Optional(Type.Record(Type.String(), Type.String())),
    timeout: Type.Optional({
      ...Duration,
      description: 'How long `inject` or `revert` may take (default 30s).',
    }),
  },
  { ...strict, 'x-one-of': ['run', 'inject'] },
);

// One schema per fault kind: adding a kind is one entry here and one driver in src/faults/.
export const faultSpecSchemas = {
  toxiproxy: ToxiproxyFault,
  partition: PartitionFault,
  podKill: PodKillFault,
  nodeDrain: NodeDrainFault,
  nodeCordon: NodeCordonFault,
  rolloutRestart: RolloutRestartFault,
  scale: ScaleFault,
  command: CommandFault,
};

export type FaultKind = keyof typeof faultSpecSchemas;
export const faultKinds = Object.keys(faultSpecSchemas) as FaultKind[];

function optionalEach<T extends Record<string, TSchema>>(schemas: T): { [K in keyof T]: TOptional<T[K]> } {
  return Object.fromEntries(Object.entries(schemas).map(([key, schema]) => [key, Type.Optional(schema)])) as {
    [K in keyof T]: TOptional<T[K]>;
  };
}

// As written: the kind is the one key naming it (`podKill: {...}`); loading normalises it to
// `{ kind, spec }` (see experiment.ts).
export const Fault = Type.Object(
  {
    name: Name,
    ...optionalEach(faultSpecSchemas),
    start: Type.Optional(Duration),
    duration: Type.Optional(Duration),
  },
  { ...strict, 'x-one-of': faultKinds },
);

export type FaultDocument = Static<typeof Fault>;
export type FaultSpecs = { [K in FaultKind]: Static<(typeof faultSpecSchemas)[K]> };
export type ToxiproxyFaultSpec = Static<typeof ToxiproxyFault>;
export type PartitionFaultSpec = Static<typeof PartitionFault>;
export type PodKillFaultSpec = Static<typeof PodKillFault>;
export type NodeDrainFaultSpec = Static<typeof NodeDrainFault>;
export type NodeCordonFaultSpec = Static<typeof NodeCordonFault>;
export type RolloutRestartFaultSpec = Static<typeof RolloutRestartFault>;
export type ScaleFaultSpec = Static<typeof ScaleFault>;
export type CommandFaultSpec = Static<typeof CommandFault>;
