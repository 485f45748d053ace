// The small pieces every document schema is built from: durations, names, label selectors.
import { Type } from '@sinclair/typebox';

export const strict = { additionalProperties: false } as const;

export const Duration = Type.String({
  pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$',
  description: 'A duration: a number and a unit, e.g. 500ms, 30s, 2m, 1h.',
  'x-expected': 'a duration such as 500ms, 30s, 2m or 1h',
});

export const VariableName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' });

export const Name = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  description: 'A DNS-1123 label: lower case letters, digits and dashes, at most 63 characters.',
  'x-expected': 'a name of lower-case letters, digits and dashes (at most 63)',
});

export const LabelSelector = Type.String({
  minLength: 1,
  description: 'A Kubernetes label selector: app=checkout, tier in (web,api), !canary, env!=prod.',
  'x-format': 'label-selector',
});

export const Percent = Type.Number({ minimum: 0, maximum: 100 });
