// `faultline plan FILE`: what the experiment would hit, checked by the API server with dry-run
// requests, and the seed that replays the pick. Mutates nothing.
import { Command, Option } from 'commander';
import { AdapterError } from '../../src/adapters/adapter-error.ts';
import { type ExperimentPlan, planExitCode, planExperiment } from '../../src/engine/plan-experiment.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { formatDiagnostic } from '../../src/experiment/diagnostic.ts';
import type { FaultPlan } from '../../src/faults/fault-drivers.ts';
import { loadExperimentFile } from '../../src/loader/load-experiment-file.ts';
import { createServerClients } from '../../src/runner/build-runtime.ts';
import type { BlastRadius } from '../../src/selection/safety.ts';
import { newSeed } from '../../src/selection/seeded-random.ts';
import {
  type ChaosToolkitFlags,
  chaosToolkitImportOptions,
  chaosToolkitOptions,
} from '../chaos-toolkit-flags.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import {
  type ClusterFlags,
  contextOption,
  kubeconfigOption,
  seedOption,
  type VarFlags,
  varOption,
} from '../options.ts';
import { renderPlanText } from '../plan-text.ts';
import { createTerminal, escapeJsonControl } from '../terminal.ts';

/** How plan's requests show in the API server's audit log. */
export const planUserAgent = 'faultline (plan)';

export type PlanOptions = ClusterFlags &
  ChaosToolkitFlags & {
    vars: Record<string, string>;
    seed?: number;
    output: 'text' | 'json';
  };

/** `plan --output json`: each fault's plan as its driver picked it, with its blast radius. */
export type PlanReport = Omit<ExperimentPlan, 'faults'> & { faults: (FaultPlan & { radius: BlastRadius })[] };

function toJson(report: ExperimentPlan): PlanReport {
  return { ...report, faults: report.faults.map(({ plan, radius }) => ({ ...plan, radius })) };
}

export async function runPlan(file: string, options: PlanOptions, context: CliContext): Promise<number> {
  const loaded = await loadExperimentFile(file, {
    vars: options.vars,
    env: context.env,
    unresolved: 'error',
    kinds: ['Experiment'],
    chaosToolkit: chaosToolkitImportOptions(options),
  });
  const { redact } = loaded;
  const stdout = createTerminal(context.stdout, context.env, redact);
  const stderr = createTerminal(context.stderr, context.env, redact);
  for (const diagnostic of loaded.diagnostics) stderr.print(formatDiagnostic(diagnostic));
  const experiment = loaded.experiment;
  if (!experiment) return ExitCode.invalidInput;

  const seed = options.seed ?? newSeed();
  const clients = createServerClients({ ...options, userAgent: planUserAgent });

  try {
    const report = await planExperiment(experiment, clients, seed);
    const { violations, dryRun } = report;
    // Names and messages from the cluster are escaped by the text renderer, or by JSON itself.
    stdout.write(
      `${
        options.output === 'json'
          ? escapeJsonControl(redact(JSON.stringify(toJson(report), null, 2)))
          : renderPlanText(report, stdout.paint, redact)
      }\n`,
    );
    for (const violation of violations) stderr.print(`faultline plan: safety: ${violation.message}`);
    const exitCode = planExitCode(report);
    if (exitCode === ExitCode.environmentError) {
      const refused = dryRun.filter((check) => check.outcome === 'forbidden' || check.outcome === 'failed');
      const what = refused.some((check) => check.outcome === 'forbidden') ? 'permission denied' : 'refused';
      stderr.print(`faultline plan: ${refused.length} dry-run request(s) ${what}; the run would fail`);
    }
    return exitCode;
  } catch (error) {
    if (!(error instanceof AdapterError)) throw error;
    stderr.print(`faultline plan: ${error.message}`);
    return ExitCode.environmentError;
  }
}

export function createPlanCommand(context: CommandContext): Command {
  const command = new Command('plan')
    .description(
      'Show what an experiment would hit (its blast radius), checked with server-side dry-run; changes nothing',
    )
    .argument('<file>', 'the experiment (YAML, JSON, or a .ts/.mts/.js/.mjs module exporting one)')
    .addOption(varOption())
    .addOption(seedOption())
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .addOption(kubeconfigOption())
    .addOption(contextOption());
  for (const option of chaosToolkitOptions()) command.addOption(option);
  return command.action(async (file: string, flags: Omit<PlanOptions, 'vars'> & VarFlags) => {
    context.settle(await runPlan(file, { ...flags, vars: flags.var ?? {} }, context));
  });
}
