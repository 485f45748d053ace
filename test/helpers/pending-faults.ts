// Validation of imported documents while three fault kinds are still on their way into
// src/experiment/schema.ts (the lead's drivers, issues 11 and 14): `command`, `scale` and
// `rolloutRestart`, in exactly the shapes agreed for them. Each such fault is checked against
// that shape here, then stands in as a nodeCordon with the same name, start and duration, so the
// real loader judges everything else (names, timeline, probes, variables). Once the drivers land,
// the tests call parseExperiment directly and this file goes.
import { type Static, Type } from '@sinclair/typebox';
import { parse, stringify } from 'yaml';
import { formatDiagnostic } from '../../src/experiment/diagnostic.ts';
import { parseExperiment } from '../../src/experiment/load-experiment.ts';
import { Duration, Name } from '../../src/experiment/schema.ts';
import { validateSchema } from '../../src/experiment/validate-schema.ts';

const strict = { additionalProperties: false } as const;
const Kind = Type.Union([Type.Literal('Deployment'), Type.Literal('StatefulSet'), Type.Literal('DaemonSet')]);
const Program = Type.Array(Type.String(), { minItems: 1 });

const pendingFaults = {
  rolloutRestart: Type.Object(
    {
      namespace: Type.String({ minLength: 1 }),
      kind: Kind,
      name: Type.String({ minLength: 1 }),
      wait: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  scale: Type.Object(
    {
      namespace: Type.String({ minLength: 1 }),
      kind: Kind,
      name: Type.String({ minLength: 1 }),
      replicas: Type.Optional(Type.Integer({ minimum: 0 })),
      delta: Type.Optional(Type.Integer()),
    },
    { ...strict, 'x-one-of': ['replicas', 'delta'] },
  ),
  command: Type.Union([
    Type.Object({ run: Program, env: Type.Optional(Type.Record(Type.String(), Type.String())) }, strict),
    Type.Object({ inject: Program, revert: Program, timeout: Type.Optional(Duration) }, strict),
  ]),
};

const PendingFault = Type.Object({
  name: Name,
  start: Type.Optional(Duration),
  duration: Type.Optional(Duration),
});

export type PendingKind = keyof typeof pendingFaults;

// Every problem with the document, as `path: message` (pending faults) or FILE:LINE:COL lines.
export function validateImported(
  yamlText: string,
  file: string,
  env: Record<string, string> = {},
): { problems: string[]; pendingKinds: PendingKind[] } {
  const document = parse(yamlText) as { spec?: { faults?: Record<string, unknown>[] } };
  const problems: string[] = [];
  const pendingKinds: PendingKind[] = [];
  for (const [index, fault] of (document.spec?.faults ?? []).entries()) {
    const kind = (Object.keys(pendingFaults) as PendingKind[]).find((key) => key in fault);
    if (!kind) continue;
    pendingKinds.push(kind);
    const { [kind]: body, ...rest } = fault;
    const issues = [
      ...validateSchema(pendingFaults[kind], body),
      ...validateSchema(PendingFault, rest as Static<typeof PendingFault>),
    ];
    problems.push(...issues.map((issue) => `spec.faults[${index}].${kind}: ${issue.message}`));
    (document.spec?.faults as Record<string, unknown>[])[index] = {
      ...rest,
      nodeCordon: { selector: 'stand-in=pending-fault' },
    };
  }
  const text = pendingKinds.length > 0 ? stringify(document) : yamlText;
  const loaded = parseExperiment(text, file, { env, unresolved: 'warning' });
  problems.push(...loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic));
  return { problems, pendingKinds };
}
