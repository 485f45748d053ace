// The fault kinds Faultline can inject, one driver each. The table is typed by the kind, so a kind
// in the schema without a driver does not compile; adding a kind is one driver file and one line
// here. The functions below are how everything else reaches a driver.
import type { Fault, FaultOf } from '../experiment/experiment.ts';
import type { FaultKind } from '../experiment/schema.ts';
import type { BlastRadius } from '../selection/safety.ts';
import { commandDriver } from './command-fault.ts';
import type { DryRunRequest } from './dry-run.ts';
import type {
  DryRunClient,
  FaultAction,
  FaultContext,
  FaultDriver,
  PlanBase,
  PlanRow,
  RecoveryScope,
  SelectContext,
} from './fault-driver.ts';
import { nodeCordonDriver } from './node-cordon.ts';
import { nodeDrainDriver } from './node-drain.ts';
import { partitionDriver } from './partition-fault.ts';
import { podKillDriver } from './pod-kill.ts';
import { rolloutRestartDriver } from './rollout-restart.ts';
import { scaleDriver } from './scale-fault.ts';
import { toxicDriver } from './toxic-fault.ts';

const drivers = {
  toxiproxy: toxicDriver,
  partition: partitionDriver,
  podKill: podKillDriver,
  nodeDrain: nodeDrainDriver,
  nodeCordon: nodeCordonDriver,
  rolloutRestart: rolloutRestartDriver,
  scale: scaleDriver,
  command: commandDriver,
} satisfies { [K in FaultKind]: FaultDriver<K, PlanBase> };

/** Each kind's plan: what `select` returns. */
export type FaultPlans = { [K in FaultKind]: Awaited<ReturnType<(typeof drivers)[K]['select']>> };
export type FaultPlan = FaultPlans[FaultKind];

const faultDrivers: { [K in FaultKind]: FaultDriver<K, FaultPlans[K]> } = drivers;

/** A fault with the plan its driver picked for it. */
export type PlannedFault<K extends FaultKind = FaultKind> = { fault: FaultOf<K>; plan: FaultPlans[K] };

export function selectFault<K extends FaultKind>(
  fault: FaultOf<K>,
  context: SelectContext,
): Promise<FaultPlans[K]> {
  return faultDrivers[fault.kind].select(fault, context);
}

export function prepareFault<K extends FaultKind>(
  fault: FaultOf<K>,
  plan: FaultPlans[K],
  context: FaultContext,
  round: number,
): Promise<FaultAction[]> {
  return faultDrivers[fault.kind].prepare(fault, plan, context, round);
}

export function blastRadiusOf<K extends FaultKind>(fault: FaultOf<K>, plan: FaultPlans[K]): BlastRadius {
  return faultDrivers[fault.kind].blastRadius(plan);
}

export function planRowsOf<K extends FaultKind>(fault: FaultOf<K>, plan: FaultPlans[K]): PlanRow[] {
  return faultDrivers[fault.kind].planRows(plan);
}

export function dryRunsOf<K extends FaultKind>(
  fault: FaultOf<K>,
  plan: FaultPlans[K],
  kubernetes: DryRunClient,
): DryRunRequest[] {
  return faultDrivers[fault.kind].dryRun(plan, kubernetes);
}

export function describeFault<K extends FaultKind>(fault: FaultOf<K>): string {
  return faultDrivers[fault.kind].describe(fault);
}

export function repeatEveryMsOf<K extends FaultKind>(fault: FaultOf<K>): number | undefined {
  return faultDrivers[fault.kind].repeatEveryMs(fault);
}

// Where recovery must look for orphans of these faults: every Toxiproxy server they name, and
// cordoned nodes if any of them cordons.
export function recoveryScopeOf(faults: readonly Fault[]): RecoveryScope {
  const scopeOf = <K extends FaultKind>(fault: FaultOf<K>) => faultDrivers[fault.kind].recoveryScope(fault);
  const scopes = faults.map(scopeOf);
  return {
    toxiproxyUrls: [...new Set(scopes.flatMap((scope) => scope.toxiproxyUrls))],
    nodeCordons: scopes.some((scope) => scope.nodeCordons),
    cluster: scopes.some((scope) => scope.cluster),
  };
}
