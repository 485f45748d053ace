// The parts of a Chaos Toolkit experiment (chaostoolkit-lib 1.4x) as the import reads them: which
// keys each part knows, and how a file is recognised as one by its shape.
import { isPlainObject } from '../experiment/describe-schema.ts';

export type Json = Record<string, unknown>;

export const experimentKeys = [
  'version',
  'title',
  'description',
  'tags',
  'configuration',
  'secrets',
  'contributions',
  'extensions',
  'controls',
  'steady-state-hypothesis',
  'method',
  'rollbacks',
  'runtime',
  'dry',
] as const;

export const activityKeys = [
  'type',
  'name',
  'provider',
  'tolerance',
  'pauses',
  'background',
  'controls',
  'ref',
  'timeout',
  'dry',
] as const;

export const providerKeysByType: Readonly<Record<string, readonly string[]>> = {
  python: ['type', 'module', 'func', 'arguments', 'secrets'],
  process: ['type', 'path', 'arguments', 'timeout', 'secrets'],
  http: ['type', 'url', 'method', 'headers', 'arguments', 'timeout', 'verify_tls', 'max_retries', 'secrets'],
};

export const pausesKeys = ['before', 'after'] as const;
export const hypothesisKeys = ['title', 'probes', 'controls'] as const;
export const runtimeKeys = ['hypothesis', 'rollbacks'] as const;

export function asRecord(value: unknown): Json | undefined {
  return isPlainObject(value) ? value : undefined;
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

// A Chaos Toolkit experiment has a title and a method or a steady-state hypothesis, and none of a
// Faultline document's apiVersion, kind and spec.
export function isChaosToolkitExperiment(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  if ('apiVersion' in value || 'kind' in value || 'spec' in value) return false;
  return 'title' in value && ('method' in value || 'steady-state-hypothesis' in value);
}
