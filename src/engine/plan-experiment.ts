// What `faultline plan` shows and the library's planExperiment returns: every fault's targets
// picked with the seed exactly as `run --seed` picks them, the whole blast radius (repeats counted)
// judged by the safety limits, and — when they hold — the deletions, evictions and cordons checked
// by the API server with dryRun=All (faults/dry-run.ts), at spec.safety.apiRate if set. Mutates
// nothing.
import type { KubernetesAdapter } from '../adapters/kubernetes.ts';
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import { systemClock } from '../clock.ts';
import { ExitCode } from '../exit-codes.ts';
import { parseDuration } from '../experiment/duration.ts';
import type { Experiment, Fault } from '../experiment/experiment.ts';
import { type DryRunCheck, sendDryRuns } from '../faults/dry-run.ts';
import type { DryRunClient, PlanRow } from '../faults/fault-driver.ts';
import {
  blastRadiusOf,
  dryRunsOf,
  type FaultPlan,
  planRowsOf,
  selectFault,
} from '../faults/fault-drivers.ts';
import type { LoadStreamOptions } from '../load/stream-options.ts';
import { streamOptionsOf } from '../load/stream-spec.ts';
import { parseOptInLabel } from '../selection/opt-in-label.ts';
import { type BlastRadius, checkSafety, type Violation } from '../selection/safety.ts';
import { apiGateOf } from './api-gate.ts';
import { warmUpMsOf } from './load-warm-up.ts';
import { planTimeline, roundsOf } from './timeline.ts';

export type PlanClients = {
  /** Created on first use: an experiment without Kubernetes faults needs no kubeconfig. */
  kubernetes: () => KubernetesAdapter;
  toxiproxy: (url: string) => ToxiproxyAdapter;
};

export type PlannedFault = { fault: Fault; plan: FaultPlan; rows: PlanRow[]; radius: BlastRadius };

/** A load stream as the run will send it (its rate is reached before the method starts). */
export type PlannedLoad = LoadStreamOptions & {
  /** Rate x the method's duration: what the stream sends while the faults can be in place. */
  requestsDuringMethod: number;
  /** How long the streams run before the steady state before is checked. */
  warmUpMs: number;
};

export type ExperimentPlan = {
  experiment: string;
  seed: number;
  faults: PlannedFault[];
  load: PlannedLoad[];
  violations: Violation[];
  /** Empty when a safety limit is exceeded (nothing is sent) or no fault touches Kubernetes. */
  dryRun: DryRunCheck[];
};

export async function planExperiment(
  experiment: Experiment,
  clients: PlanClients,
  seed: number,
): Promise<ExperimentPlan> {
  const optIn = experiment.spec.safety?.optInLabel;
  const context = {
    kubernetes: clients.kubernetes,
    toxiproxy: clients.toxiproxy,
    seed,
    optIn: optIn ? parseOptInLabel(optIn) : undefined,
  };
  const durationMs = parseDuration(experiment.spec.duration);
  const rounds = new Map(
    planTimeline(experiment.spec.faults, durationMs).map((item) => [
      item.fault.name,
      roundsOf(item, durationMs),
    ]),
  );
  const faults: PlannedFault[] = [];
  // One after another, in the order the experiment lists them.
  for (const fault of experiment.spec.faults) {
    const plan = await selectFault(fault, context);
    const radius = { ...blastRadiusOf(fault, plan), rounds: rounds.get(fault.name) ?? 1 };
    faults.push({ fault, plan, rows: planRowsOf(fault, plan), radius });
  }
  const violations = checkSafety(
    faults.map((planned) => planned.radius),
    experiment.spec.safety,
  );
  // The client is reached only when a request is sent.
  const kubernetes: DryRunClient = {
    deletePod: (...args) => clients.kubernetes().deletePod(...args),
    evictPod: (...args) => clients.kubernetes().evictPod(...args),
    patchNode: (...args) => clients.kubernetes().patchNode(...args),
    patchWorkload: (...args) => clients.kubernetes().patchWorkload(...args),
  };
  const requests = faults.flatMap((planned) => dryRunsOf(planned.fault, planned.plan, kubernetes));
  const { apiGate } = apiGateOf(experiment.spec.safety, systemClock);
  const dryRun = violations.length === 0 ? await sendDryRuns(requests, apiGate) : [];
  const warmUpMs = warmUpMsOf(experiment.spec);
  const load = (experiment.spec.load ?? []).map((stream) => {
    const options = streamOptionsOf(stream);
    const rate = options.rate.ramp?.toPerSecond ?? options.rate.perSecond;
    return { ...options, requestsDuringMethod: Math.round((rate * durationMs) / 1000), warmUpMs };
  });
  return { experiment: experiment.metadata.name, seed, faults, load, violations, dryRun };
}

// What `plan` exits with: 2 when a safety limit is exceeded (the run would not start), 6 when the
// API server refused a dry run (the run would fail), else 0.
export function planExitCode(plan: ExperimentPlan): number {
  if (plan.violations.length > 0) return ExitCode.invalidInput;
  const refused = plan.dryRun.some((check) => check.outcome === 'forbidden' || check.outcome === 'failed');
  return refused ? ExitCode.environmentError : ExitCode.ok;
}
