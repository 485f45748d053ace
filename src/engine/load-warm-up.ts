// How long the load streams run before the steady state before is checked: until a ramp has ended
// and the longest load window of the hypothesis has filled. Apart from phase-load so that `plan`,
// which shows it, does not load the load generator (and its histograms) to say so.
import { parseDuration } from '../experiment/duration.ts';
import type { ExperimentSpec } from '../experiment/experiment.ts';

export function warmUpMsOf(spec: ExperimentSpec): number {
  const ramps = (spec.load ?? []).map((stream) => (stream.ramp ? parseDuration(stream.ramp.over) : 0));
  const windows = spec.hypothesis.probes.map((probe) => (probe.load ? parseDuration(probe.load.window) : 0));
  return Math.max(0, ...ramps, ...windows);
}
