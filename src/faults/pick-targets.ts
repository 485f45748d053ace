// Picks a Kubernetes fault's targets at run time exactly as `plan` does, so that `plan --seed N`
// shows what `run --seed N` hits; a repeat (round 1, 2, ...) derives a seed of its own. The
// experiment's safety limits are enforced again on what was picked: the cluster may have changed
// since the plan, and `run` does not need a plan first.
import type { FaultSpec } from '../experiment/schema.ts';
import { parseOptInLabel } from '../selection/opt-in-label.ts';
import { checkSafety } from '../selection/safety.ts';
import { deriveSeed } from '../selection/seeded-random.ts';
import { type FaultPlan, selectFault } from '../selection/select-targets.ts';
import type { FaultContext } from './fault-context.ts';

export async function pickTargets(
  fault: FaultSpec,
  context: FaultContext,
  round: number,
): Promise<FaultPlan> {
  const seed = context.seed ?? Math.floor(context.random() * 2 ** 32);
  const roundSeed = round === 0 ? seed : deriveSeed(seed, `round ${round}`);
  const optInText = context.safety?.optInLabel;
  const plan = await selectFault(
    fault,
    { kubernetes: context.kubernetes, toxiproxy: context.toxiproxy },
    roundSeed,
    optInText ? parseOptInLabel(optInText) : undefined,
  );
  const violations = checkSafety([plan], context.safety);
  if (violations.length > 0) throw new Error(`safety: ${violations.map((v) => v.message).join('; ')}`);
  return plan;
}
