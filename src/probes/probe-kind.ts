import type { ProbeKind, ProbeSpec } from '../experiment/schema.ts';

export function probeKindOf(probe: ProbeSpec): ProbeKind | 'none' {
  if (probe.http) return 'http';
  if (probe.prometheus) return 'prometheus';
  if (probe.kubernetes) return 'kubernetes';
  if (probe.command) return 'command';
  if (probe.load) return 'load';
  return 'none';
}
