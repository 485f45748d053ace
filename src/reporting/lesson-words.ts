import type { JournalSample } from '../engine/journal.ts';
import { numericValue, type ProbeAnalysis, type ProbeWindow } from './analyze-probes.ts';
import { formatNumber } from './format-time.ts';
import { describeExcess } from './probe-tolerance.ts';

// Small phrases the derived lessons share.

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const listNames = (names: string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

// "latency 1210.1 ms, 710.1 ms over the bound of 500 (2.42×)", or the outcome and detail.
export function describeSample(sample: JournalSample, probe: ProbeAnalysis): string {
  const value = numericValue(sample);
  if (value === undefined) return `${sample.outcome}: ${sample.detail}`;
  const unit = probe.axis.unit ? ` ${probe.axis.unit}` : '';
  const excess = describeExcess(value, probe.axis);
  return `${probe.axis.label} ${formatNumber(value)}${unit}, ${excess ?? sample.detail}`;
}

export const describeWorst = (window: ProbeWindow, probe: ProbeAnalysis) =>
  describeSample(window.worst, probe);

export const whileFaults = (faults: string[]) =>
  faults.length > 0
    ? `while ${listNames(faults)} ${faults.length === 1 ? 'was' : 'were'} in place`
    : 'while no fault was in place';
