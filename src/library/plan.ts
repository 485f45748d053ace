// planExperiment: what `faultline plan` shows, as data. Mutates nothing: targets picked with the
// seed as a run picks them, safety limits judged, every Kubernetes action dry-run by the API server.
import { AdapterError } from '../adapters/adapter-error.ts';
import { planExitCode, planExperiment as planInternal } from '../engine/plan-experiment.ts';
import { ExitCode } from '../exit-codes.ts';
import { createServerClients } from '../runner/build-runtime.ts';
import { newSeed } from '../selection/seeded-random.ts';
import { FaultlineError } from './library-error.ts';
import type { ExperimentInput, PlanOptions, PlanResult } from './public-types.ts';
import { resolveExperiment } from './resolve-experiment.ts';

/** The user agent of the library's plan requests in the API server's audit log. */
const userAgent = 'faultline (library plan)';

export async function planExperiment(
  experiment: ExperimentInput,
  options: PlanOptions = {},
): Promise<PlanResult> {
  const loaded = await resolveExperiment(experiment, options);
  const seed = options.seed ?? newSeed();
  const clients = createServerClients({
    kubeconfig: options.kubeconfig,
    context: options.context,
    userAgent,
  });
  try {
    const plan = await planInternal(loaded.experiment, clients, seed);
    return {
      experiment: plan.experiment,
      seed,
      faults: plan.faults.map(({ fault, rows, radius }) => ({
        name: fault.name,
        kind: fault.kind,
        targets: rows.map(({ target, namespace, owner, effect, nested }) => ({
          target,
          ...(namespace === undefined ? {} : { namespace }),
          ...(owner === undefined ? {} : { owner }),
          ...(effect === undefined ? {} : { effect }),
          ...(nested ? { nested } : {}),
        })),
        radius,
      })),
      violations: plan.violations,
      dryRun: plan.dryRun,
      exitCode: planExitCode(plan),
    };
  } catch (error) {
    if (!(error instanceof AdapterError)) throw error;
    throw new FaultlineError(ExitCode.environmentError, loaded.redact(error.message), { cause: error });
  }
}
