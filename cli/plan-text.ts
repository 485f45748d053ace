// `faultline plan`'s table and notes, from what each fault's driver says about its targets.
import type { ExperimentPlan, PlannedFault, PlannedLoad } from '../src/engine/plan-experiment.ts';
import type { DryRunCheck } from '../src/faults/dry-run.ts';
import type { PlanRow } from '../src/faults/fault-driver.ts';
import { describeStream } from '../src/load/stream-spec.ts';
import { escapeLine, type Style } from './terminal.ts';

export type Paint = (style: Style, text: string) => string;
type Redact = (text: string) => string;

type Cell = { text: string; style?: Parameters<Paint>[0] };

const header = ['FAULT', 'KIND', 'NAMESPACE', 'TARGET', 'OWNER', 'PROXY/TOXIC', 'DRY-RUN'];

function describeCheck(check: DryRunCheck | undefined, row: PlanRow, skipped: boolean): Cell {
  if (!check) {
    if (row.status) return { text: row.status, style: 'dim' };
    return { text: skipped && row.check ? 'not checked' : '-', style: 'dim' };
  }
  const outcome = `${check.action}: ${check.outcome === 'ok' ? 'ok' : (check.message ?? check.outcome)}`;
  const text = check.name === row.check?.name ? outcome : `${outcome} (as ${check.name}, same owner)`;
  const style =
    check.outcome === 'ok'
      ? 'green'
      : check.outcome === 'failed' || check.outcome === 'forbidden'
        ? 'red'
        : 'yellow';
  return { text, style };
}

function rowsOf(planned: PlannedFault, report: ExperimentPlan): Cell[][] {
  const { fault, plan } = planned;
  const skipped = report.violations.length > 0;
  const find = (row: PlanRow) =>
    row.check &&
    report.dryRun.find(
      (check) =>
        check.fault === fault.name &&
        check.action === row.check?.action &&
        check.namespace === row.check.namespace &&
        (check.name === row.check.name || check.standsFor?.includes(row.check.name) === true),
    );
  const cell = (text: string | undefined): Cell => ({ text: text || '-' });
  if (planned.rows.length === 0) {
    const namespace = 'namespace' in plan && typeof plan.namespace === 'string' ? plan.namespace : '';
    return [
      [
        cell(fault.name),
        cell(fault.kind),
        cell(namespace),
        { text: 'nothing', style: 'dim' },
        cell(''),
        cell(''),
        cell(''),
      ],
    ];
  }
  return planned.rows.map((row, index) => [
    index === 0 ? cell(fault.name) : { text: '' },
    index === 0 ? cell(fault.kind) : { text: '' },
    cell(row.namespace),
    cell(`${row.nested ? '  ' : ''}${row.target}`),
    cell(row.owner),
    cell(row.effect),
    describeCheck(find(row), row, skipped),
  ]);
}

// Cells are redacted and escaped before they are measured: names from the cluster cannot move
// the terminal's cursor, and the columns stay aligned.
function renderTable(rawRows: Cell[][], paint: Paint, redact: Redact): string[] {
  const rows = rawRows.map((row) => row.map((cell) => ({ ...cell, text: escapeLine(redact(cell.text)) })));
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

// The load the run sends, from before the steady state before until after the steady state after.
function loadLines(load: readonly PlannedLoad[]): string[] {
  if (load.length === 0) return [];
  const status = (stream: PlannedLoad) =>
    stream.expectStatus === undefined
      ? 'any 2xx or 3xx'
      : `status ${[stream.expectStatus].flat().join(' or ')}`;
  const warmUp = load[0]?.warmUpMs ?? 0;
  return [
    'Load (sent from before the steady state is checked until after it is checked again):',
    ...load.map(
      (stream) =>
        `  ${stream.name}: ${describeStream(stream)}, timeout ${stream.timeoutMs / 1000}s, expecting ${status(stream)}, at most ${stream.maxInFlight} in flight; about ${stream.requestsDuringMethod} requests during the method`,
    ),
    ...(warmUp > 0 ? [`  the steady state before is checked after ${warmUp / 1000}s of load`] : []),
    '',
  ];
}

export function renderPlanText(
  report: ExperimentPlan,
  paint: Paint = (_style, text) => text,
  redact: Redact = (text) => text,
): string {
  const safe = (text: string) => escapeLine(redact(text));
  const lines = [safe(`Blast radius of experiment ${report.experiment}`), ''];
  lines.push(
    ...renderTable(
      report.faults.flatMap((planned) => rowsOf(planned, report)),
      paint,
      redact,
    ),
    '',
  );
  const excluded = report.faults.flatMap(({ plan }) =>
    plan.excluded.map(
      (item) => `  ${plan.fault}: ${item.namespace ? `${item.namespace}/` : ''}${item.name}: ${item.reason}`,
    ),
  );
  const skipped = report.faults.flatMap(({ plan }) =>
    'nodes' in plan
      ? plan.nodes.flatMap((node) =>
          node.skipped.map(
            (pod) => `  ${plan.fault}: ${node.name}: ${pod.namespace}/${pod.name}: ${pod.reason}`,
          ),
        )
      : [],
  );
  const repeats = report.faults.flatMap(({ fault, radius }) =>
    (radius.rounds ?? 1) > 1
      ? [`  ${fault.name}: repeats up to ${radius.rounds} times; each round picks its targets anew`]
      : [],
  );
  const notes = [
    ...report.faults.flatMap(({ plan }) => plan.notes.map((note) => `  ${plan.fault}: ${note}`)),
    ...repeats,
  ];
  if (excluded.length > 0) lines.push('Not targeted:', ...excluded.map(safe), '');
  if (skipped.length > 0) lines.push('Not evicted by the drain:', ...skipped.map(safe), '');
  if (notes.length > 0) lines.push('Notes:', ...notes.map(safe), '');
  lines.push(...loadLines(report.load).map(safe));
  if (report.dryRun.some((check) => check.outcome === 'blocked')) {
    lines.push(
      paint('yellow', 'A PodDisruptionBudget blocks an eviction now; the drain retries until its timeout.'),
      '',
    );
  }
  lines.push(`Seed ${report.seed} (--seed ${report.seed} replays this pick)`);
  return lines.join('\n');
}
