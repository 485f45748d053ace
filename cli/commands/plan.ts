// `faultline plan FILE`: what the experiment would hit, checked by the API server with dry-run
// requests, and the seed that replays the pick. Mutates nothing.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { AdapterError } from '../../src/adapters/adapter-error.ts';
import { createKubernetesAdapter, type KubernetesAdapter } from '../../src/adapters/kubernetes.ts';
import { createToxiproxyAdapter, type ToxiproxyAdapter } from '../../src/adapters/toxiproxy.ts';
import { type ExperimentPlan, planExperiment } from '../../src/engine/plan-experiment.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { formatDiagnostic } from '../../src/experiment/diagnostic.ts';
import { loadExperiment } from '../../src/experiment/load-experiment.ts';
import type { FaultPlan } from '../../src/faults/fault-drivers.ts';
import type { BlastRadius } from '../../src/selection/safety.ts';
import { newSeed, parseSeed } from '../../src/selection/seeded-random.ts';
import { collectVar } from '../parse-vars.ts';
import { type Paint, renderPlanText } from '../plan-text.ts';

/** How plan's requests show in the API server's audit log. */
export const planUserAgent = 'faultline (plan)';

export type PlanOptions = {
  vars: Record<string, string>;
  seed?: number;
  output: 'text' | 'json';
  kubeconfig?: string;
  context?: string;
};

/** Everything the command touches outside itself, so tests can hand in their own. */
export type PlanIo = {
  env: Readonly<Record<string, string | undefined>>;
  writeOut: (text: string) => void;
  writeErr: (text: string) => void;
  colourOut: boolean;
};

/** `plan --output json`: each fault's plan as its driver picked it, with its blast radius. */
export type PlanReport = Omit<ExperimentPlan, 'faults'> & { faults: (FaultPlan & { radius: BlastRadius })[] };

function toJson(report: ExperimentPlan): PlanReport {
  return { ...report, faults: report.faults.map(({ plan, radius }) => ({ ...plan, radius })) };
}

export async function runPlan(file: string, options: PlanOptions, io: PlanIo): Promise<number> {
  const loaded = await loadExperiment(file, {
    vars: options.vars,
    env: io.env,
    unresolved: 'error',
    kinds: ['Experiment'],
  });
  const redact = loaded.redact;
  for (const diagnostic of loaded.diagnostics) io.writeErr(redact(formatDiagnostic(diagnostic)));
  const experiment = loaded.experiment;
  if (!experiment) return ExitCode.invalidInput;

  const seed = options.seed ?? newSeed();
  let kubernetes: KubernetesAdapter | undefined;
  const kube = () => {
    kubernetes ??= createKubernetesAdapter({
      kubeconfig: options.kubeconfig,
      context: options.context,
      userAgent: planUserAgent,
    });
    return kubernetes;
  };
  const proxies = new Map<string, ToxiproxyAdapter>();
  const toxiproxy = (url: string) =>
    proxies.get(url) ?? (proxies.set(url, createToxiproxyAdapter(url)).get(url) as ToxiproxyAdapter);

  try {
    const report = await planExperiment(experiment, { kubernetes: kube, toxiproxy }, seed);
    const { violations, dryRun } = report;
    const paint = createPainter(io.colourOut);
    io.writeOut(
      redact(
        options.output === 'json' ? JSON.stringify(toJson(report), null, 2) : renderPlanText(report, paint),
      ),
    );
    for (const violation of violations) io.writeErr(redact(`faultline plan: safety: ${violation.message}`));
    if (violations.length > 0) return ExitCode.invalidInput;
    const refused = dryRun.filter((check) => check.outcome === 'forbidden' || check.outcome === 'failed');
    if (refused.length > 0) {
      const what = refused.some((check) => check.outcome === 'forbidden') ? 'permission denied' : 'refused';
      io.writeErr(redact(`faultline plan: ${refused.length} dry-run request(s) ${what}; the run would fail`));
      return ExitCode.environmentError;
    }
    return ExitCode.held;
  } catch (error) {
    if (!(error instanceof AdapterError)) throw error;
    io.writeErr(redact(`faultline plan: ${error.message}`));
    return ExitCode.environmentError;
  }
}

const styles = { bold: [1, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22] } as const;

function createPainter(enabled: boolean): Paint {
  return (style, text) =>
    enabled && text ? `\u001b[${styles[style][0]}m${text}\u001b[${styles[style][1]}m` : text;
}

function readSeed(text: string): number {
  const seed = parseSeed(text);
  if (seed === undefined)
    throw new InvalidArgumentError(`expected an integer from 0 to 4294967295, found ${JSON.stringify(text)}`);
  return seed;
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'Show what an experiment would hit (its blast radius), checked with server-side dry-run; changes nothing',
    )
    .argument('<file>', 'the experiment (YAML or JSON)')
    .option('--var <KEY=VALUE>', 'set a variable (repeatable; overrides the environment)', collectVar, {})
    .option('--seed <n>', 'the random seed of a previous plan or run, to replay its pick', readSeed)
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--kubeconfig <file>', 'the kubeconfig file (default: KUBECONFIG, in-cluster, ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use')
    .action(async (file: string, flags: Omit<PlanOptions, 'vars'> & { var: Record<string, string> }) => {
      const env = process.env;
      const io: PlanIo = {
        env,
        writeOut: (text) => process.stdout.write(`${text}\n`),
        writeErr: (text) => process.stderr.write(`${text}\n`),
        colourOut: process.stdout.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb',
      };
      process.exitCode = await runPlan(file, { ...flags, vars: flags.var }, io);
    });
}
