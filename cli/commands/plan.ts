// `faultline plan FILE`: what the experiment would hit, checked by the API server with dry-run
// requests, and the seed that replays the pick. Mutates nothing.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { AdapterError } from '../../src/adapters/adapter-error.ts';
import { createKubernetesAdapter, type KubernetesAdapter } from '../../src/adapters/kubernetes.ts';
import { createToxiproxyAdapter, type ToxiproxyAdapter } from '../../src/adapters/toxiproxy.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { formatDiagnostic } from '../../src/experiment/diagnostic.ts';
import { loadExperiment } from '../../src/experiment/load-experiment.ts';
import { type DryRunCheck, dryRunPlans } from '../../src/selection/dry-run.ts';
import { checkSafety, type Violation } from '../../src/selection/safety.ts';
import { newSeed, parseSeed } from '../../src/selection/seeded-random.ts';
import { type FaultPlan, selectTargets } from '../../src/selection/select-targets.ts';
import { collectVar } from '../parse-vars.ts';

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

export type PlanReport = {
  experiment: string;
  seed: number;
  faults: FaultPlan[];
  dryRun: DryRunCheck[];
  violations: Violation[];
};

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
    const faults = await selectTargets(experiment, { kubernetes: kube, toxiproxy }, seed);
    const violations = checkSafety(faults, experiment.spec.safety);
    const dryRun = violations.length === 0 && kubernetes ? await dryRunPlans(faults, kubernetes) : [];
    const report: PlanReport = { experiment: experiment.metadata.name, seed, faults, dryRun, violations };
    const paint = createPainter(io.colourOut);
    io.writeOut(
      redact(options.output === 'json' ? JSON.stringify(report, null, 2) : renderText(report, paint)),
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

type Paint = (style: 'bold' | 'red' | 'green' | 'yellow' | 'dim', text: string) => string;

const styles = { bold: [1, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], dim: [2, 22] } as const;

function createPainter(enabled: boolean): Paint {
  return (style, text) =>
    enabled && text ? `\u001b[${styles[style][0]}m${text}\u001b[${styles[style][1]}m` : text;
}

type Cell = { text: string; style?: Parameters<Paint>[0] };
type Row = [Cell, Cell, Cell, Cell, Cell, Cell, Cell];

const header = ['FAULT', 'KIND', 'NAMESPACE', 'TARGET', 'OWNER', 'PROXY/TOXIC', 'DRY-RUN'];

function describeCheck(check: DryRunCheck | undefined, skipped: boolean): Cell {
  if (!check) return { text: skipped ? 'not checked' : '-', style: 'dim' };
  const text = `${check.action}: ${check.outcome === 'ok' ? 'ok' : (check.message ?? check.outcome)}`;
  const style =
    check.outcome === 'ok'
      ? 'green'
      : check.outcome === 'failed' || check.outcome === 'forbidden'
        ? 'red'
        : 'yellow';
  return { text, style };
}

function rowsOf(plan: FaultPlan, report: PlanReport): Row[] {
  const skipped = report.violations.length > 0;
  const find = (action: DryRunCheck['action'], name: string, namespace?: string) =>
    report.dryRun.find(
      (check) =>
        check.fault === plan.fault &&
        check.action === action &&
        check.name === name &&
        check.namespace === namespace,
    );
  const cell = (text: string | undefined): Cell => ({ text: text || '-' });
  const owner = (target: { owner?: { kind: string; name: string } }) =>
    cell(target.owner && `${target.owner.kind}/${target.owner.name}`);
  const first = (rows: Row[]) =>
    rows.map(
      (row, index): Row => (index === 0 ? row : ([{ text: '' }, { text: '' }, ...row.slice(2)] as Row)),
    );
  const empty: Row = [
    cell(plan.fault),
    cell(plan.kind),
    cell(plan.kind === 'podKill' ? plan.namespace : ''),
    { text: 'nothing', style: 'dim' },
    cell(''),
    cell(''),
    cell(''),
  ];
  switch (plan.kind) {
    case 'podKill':
      if (plan.pods.length === 0) return [empty];
      return first(
        plan.pods.map((pod) => [
          cell(plan.fault),
          cell(plan.kind),
          cell(pod.namespace),
          cell(`pod/${pod.name}`),
          owner(pod),
          cell(''),
          describeCheck(find('delete', pod.name, pod.namespace), skipped),
        ]),
      );
    case 'nodeDrain':
    case 'nodeCordon':
      if (plan.nodes.length === 0) return [empty];
      return first(
        plan.nodes.flatMap((node): Row[] => [
          [
            cell(plan.fault),
            cell(plan.kind),
            cell(''),
            cell(`node/${node.name}`),
            cell(''),
            cell(''),
            describeCheck(find('cordon', node.name), skipped),
          ],
          ...node.evictions.map(
            (pod): Row => [
              cell(''),
              cell(''),
              cell(pod.namespace),
              cell(`  pod/${pod.name}`),
              owner(pod),
              cell(''),
              describeCheck(find('evict', pod.name, pod.namespace), skipped),
            ],
          ),
        ]),
      );
    case 'toxiproxy':
    case 'partition': {
      const effect = plan.toxic ? `${plan.toxic.type} ${plan.toxic.stream}` : 'disabled';
      const state = plan.proxy.exists ? 'proxy exists' : 'proxy created by the run';
      return [
        [
          cell(plan.fault),
          cell(plan.kind),
          cell(''),
          cell(`proxy/${plan.proxy.proxy}`),
          cell(''),
          cell(`${plan.proxy.proxy}: ${effect}`),
          { text: state, style: 'dim' },
        ],
      ];
    }
  }
}

function renderTable(rows: Row[], paint: Paint): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.text.length ?? 0)),
  );
  const line = (cells: Cell[]) =>
    cells
      .map((c, column) => {
        const padded = column === cells.length - 1 ? c.text : c.text.padEnd(widths[column] ?? 0);
        return c.style ? paint(c.style, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header.map((text) => ({ text, style: 'bold' as const }))), ...rows.map(line)];
}

export function renderText(report: PlanReport, paint: Paint = (_style, text) => text): string {
  const lines = [`Blast radius of experiment ${report.experiment}`, ''];
  lines.push(
    ...renderTable(
      report.faults.flatMap((plan) => rowsOf(plan, report)),
      paint,
    ),
    '',
  );
  const excluded = report.faults.flatMap((plan) =>
    plan.excluded.map(
      (item) => `  ${plan.fault}: ${item.namespace ? `${item.namespace}/` : ''}${item.name}: ${item.reason}`,
    ),
  );
  const skipped = report.faults.flatMap((plan) =>
    plan.kind === 'nodeDrain'
      ? plan.nodes.flatMap((node) =>
          node.skipped.map(
            (pod) => `  ${plan.fault}: ${node.name}: ${pod.namespace}/${pod.name}: ${pod.reason}`,
          ),
        )
      : [],
  );
  const notes = report.faults.flatMap((plan) => plan.notes.map((note) => `  ${plan.fault}: ${note}`));
  if (excluded.length > 0) lines.push('Not targeted:', ...excluded, '');
  if (skipped.length > 0) lines.push('Not evicted by the drain:', ...skipped, '');
  if (notes.length > 0) lines.push('Notes:', ...notes, '');
  if (report.dryRun.some((check) => check.outcome === 'blocked')) {
    lines.push(
      paint('yellow', 'A PodDisruptionBudget blocks an eviction now; the drain retries until its timeout.'),
      '',
    );
  }
  lines.push(`Seed ${report.seed} (--seed ${report.seed} replays this pick)`);
  return lines.join('\n');
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
