import type { Fault } from '../experiment/experiment.ts';
import type { SelectContext } from '../faults/fault-driver.ts';
import { blastRadiusOf, selectFault } from '../faults/fault-drivers.ts';
import { parseOptInLabel } from '../selection/opt-in-label.ts';
import { type BlastRadius, checkSafety } from '../selection/safety.ts';
import { deriveSeed } from '../selection/seeded-random.ts';
import type { RunState } from './run-state.ts';
import { planTimeline, roundsOf } from './timeline.ts';

// What selection reads for one round of the run: the same seed `plan --seed` uses for round 0, a
// seed of its own for every repeat.
export function selectContextOf(state: RunState, round: number): SelectContext {
  const { request, runtime } = state;
  const optIn = request.experiment.spec.safety?.optInLabel;
  return {
    kubernetes: runtime.kubernetes,
    toxiproxy: runtime.toxiproxy,
    seed: round === 0 ? request.seed : deriveSeed(request.seed, `round ${round}`),
    optIn: optIn ? parseOptInLabel(optIn) : undefined,
  };
}

// Plan: every fault's targets picked as `plan` picks them, repeats counted, and the experiment's
// safety limits checked on the whole before anything is touched. Returns why the run must not
// start (`refused`), and what it targets. Selection failures (a server unreachable) are thrown.
export async function checkBlastRadius(
  state: RunState,
): Promise<{ refused: string | undefined; radii: BlastRadius[] }> {
  const { request, journal } = state;
  state.phase = 'plan';
  const faults: readonly Fault[] = request.experiment.spec.faults;
  state.emit('phase', `picking the targets of ${faults.length} faults and checking the safety limits`);
  const context = selectContextOf(state, 0);
  const radii: BlastRadius[] = [];
  const refusals: string[] = [];
  for (const item of planTimeline(faults, journal.settings.durationMs)) {
    const plan = await selectFault(item.fault, context);
    if (plan.refusal) refusals.push(`${item.fault.name}: ${plan.refusal}`);
    radii.push({ ...blastRadiusOf(item.fault, plan), rounds: roundsOf(item, journal.settings.durationMs) });
  }
  const violations = checkSafety(radii, request.experiment.spec.safety);
  for (const violation of violations) state.emit('safety-violation', violation.message);
  for (const refusal of refusals) state.emit('safety-violation', refusal);
  if (violations.length > 0)
    return { refused: `safety: ${violations.map((violation) => violation.message).join('; ')}`, radii };
  return { refused: refusals.length > 0 ? `refused: ${refusals.join('; ')}` : undefined, radii };
}
