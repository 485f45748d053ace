import type { Journal } from '../engine/journal.ts';
import type { JournalLoadStream } from '../engine/journal-load.ts';
import { numericValue, type ProbeAnalysis } from './analyze-probes.ts';
import { deriveFindings } from './derive-findings.ts';
import { escapeXml } from './escape.ts';
import type { ActionRow, Findings } from './findings.ts';
import { formatNumber, formatOffset } from './format-time.ts';
import { describeWindow, sentShare } from './load-section.ts';
import { describeExcess } from './probe-tolerance.ts';

type Outcome =
  | { kind: 'passed'; output?: string }
  | { kind: 'failure' | 'error' | 'skipped'; type: string; message: string; body?: string };

type TestCase = { classname: string; name: string; timeMs: number; outcome: Outcome };

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

function probeCase(f: Findings, probe: ProbeAnalysis, classname: string): TestCase {
  const timeMs = probe.samples.reduce((n, s) => n + (s.durationMs || 0), 0);
  const before = probe.windows.find((w) => w.phase === 'steady-state-before');
  const deviated = probe.windows.filter((w) => w.deviated);
  const describe = (w: (typeof probe.windows)[number]) => {
    const value = numericValue(w.worst);
    const excess = value !== undefined ? describeExcess(value, probe.axis) : undefined;
    return `${w.phase} ${formatOffset(w.from, f.origin)} to ${formatOffset(w.to, f.origin)}: ${w.samples.length} sample(s) out of tolerance; worst ${value !== undefined ? formatNumber(value) : w.worst.outcome}${excess ? ` (${excess})` : ''}: ${w.worst.detail}`;
  };
  const base = { classname, name: probe.name, timeMs };
  if (before) {
    return {
      ...base,
      outcome: {
        kind: 'failure',
        type: 'steady-state-not-met',
        message: `steady state not met before the faults: ${before.worst.detail} (expected ${probe.expected})`,
        body: describe(before),
      },
    };
  }
  if (deviated.length > 0) {
    const first = deviated[0] as (typeof deviated)[number];
    return {
      ...base,
      outcome: {
        kind: 'failure',
        type: 'deviated',
        message: `${probe.name} deviated: ${first.worst.detail} (expected ${probe.expected})`,
        body: deviated.map(describe).join('\n'),
      },
    };
  }
  if (f.verdict === 'not-started') {
    return {
      ...base,
      outcome: { kind: 'skipped', type: 'not-started', message: `nothing was injected: ${f.reason}` },
    };
  }
  if (f.verdict === 'aborted' || f.verdict === 'error' || f.verdict === 'unknown') {
    return {
      ...base,
      outcome: {
        kind: 'error',
        type: f.verdict,
        message: `the run ended (${f.verdict}: ${f.reason}) before the hypothesis was fully checked; ${probe.name} had not deviated`,
      },
    };
  }
  return {
    ...base,
    outcome: {
      kind: 'passed',
      output: `${probe.samples.length} samples, ${probe.failed} out of tolerance (none counted as a deviation); expected ${probe.expected}`,
    },
  };
}

function revertCase(action: ActionRow, classname: string): TestCase {
  const round = action.round !== undefined ? ` round ${action.round + 1}` : '';
  const name = `revert ${action.fault}${round} on ${action.target}`;
  const timeMs =
    action.injectedAt !== undefined && action.revertedAt !== undefined
      ? action.revertedAt - action.injectedAt
      : 0;
  const base = { classname, name, timeMs };
  if (action.revert === 'failed')
    return {
      ...base,
      outcome: {
        kind: 'failure',
        type: 'revert-failed',
        message: `could not revert ${action.undo} after ${action.attempts ?? '?'} attempts: ${action.error ?? 'no error recorded'}; it may still be in place (ledger entry ${action.ledgerEntry})`,
        body: action.retries.join('\n'),
      },
    };
  if (action.revert === undefined)
    return {
      ...base,
      outcome: {
        kind: 'failure',
        type: 'revert-missing',
        message: `the journal records no revert of ${action.undo} (ledger entry ${action.ledgerEntry})`,
      },
    };
  return {
    ...base,
    outcome: {
      kind: 'passed',
      output: `${action.undo}: ${action.revert} after ${action.attempts ?? 1} attempt(s)`,
    },
  };
}

// One case per load stream: its figures over the whole run, per fault window and per phase; a
// failure when its whole-run tolerances were missed, an error when the generator sent under half.
function loadCase(stream: JournalLoadStream, classname: string): TestCase {
  const timeMs = (stream.stoppedAt ?? stream.startedAt) - stream.startedAt;
  const base = { classname, name: `load ${stream.name}`, timeMs };
  const total = stream.total;
  if (!total)
    return {
      ...base,
      outcome: { kind: 'error', type: 'load-not-stopped', message: 'the journal has no totals' },
    };
  const lines = [
    `whole run: ${describeWindow(total)}, ${formatNumber(total.throughput)} ok/s`,
    ...(stream.faultWindows ?? []).map((w) => `during ${w.fault}: ${describeWindow(w.summary)}`),
    ...(stream.phases ?? [])
      .filter((p) => p.summary.sent > 0)
      .map((p) => `${p.phase}: ${describeWindow(p.summary)}`),
  ];
  if (stream.judgement && !stream.judgement.ok)
    return {
      ...base,
      outcome: {
        kind: 'failure',
        type: 'load-tolerance',
        message: `${stream.name} over the whole run: ${stream.judgement.detail}`,
        body: lines.join('\n'),
      },
    };
  if (sentShare(total) < 0.5)
    return {
      ...base,
      outcome: {
        kind: 'error',
        type: 'load-shortfall',
        message: `the generator sent only ${Math.round(sentShare(total) * 100)} % of the requests due`,
        body: lines.join('\n'),
      },
    };
  return { ...base, outcome: { kind: 'passed', output: lines.join('\n') } };
}

function renderCase(c: TestCase): string {
  const open = `    <testcase classname="${escapeXml(c.classname)}" name="${escapeXml(c.name)}" time="${seconds(c.timeMs)}"`;
  const o = c.outcome;
  if (o.kind === 'passed')
    return `${open}>\n      <system-out>${escapeXml(o.output ?? '')}</system-out>\n    </testcase>`;
  const body = o.kind !== 'skipped' && o.body ? escapeXml(o.body) : '';
  return `${open}>\n      <${o.kind} type="${escapeXml(o.type)}" message="${escapeXml(o.message)}">${body}</${o.kind}>\n    </testcase>`;
}

// junit.xml for CI: one test case per hypothesis probe and one per injected fault action's revert;
// failures carry the reason. Pure: journal in, text out.
export function renderJunit(journal: Journal, findings: Findings = deriveFindings(journal)): string {
  const f = findings;
  const suite = f.experiment.name;
  const cases = [
    ...f.probes
      .filter((p) => p.role === 'hypothesis')
      .map((p) => probeCase(f, p, `faultline.${suite}.hypothesis`)),
    ...f.actions
      .filter((a) => a.injectedAt !== undefined)
      .map((a) => revertCase(a, `faultline.${suite}.revert`)),
    ...f.load.map((stream) => loadCase(stream, `faultline.${suite}.load`)),
  ];
  const count = (kind: Outcome['kind']) => cases.filter((c) => c.outcome.kind === kind).length;
  const totals = `tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="${seconds(f.end - f.origin)}"`;
  const properties = [
    ['run-id', journal.runId],
    ['verdict', f.verdict],
    ['reason', f.reason],
    ['seed', String(journal.seed)],
    ['experiment-file', journal.experimentFile],
    ['reverted-everything', String(!f.revertFailed)],
  ]
    .map(([k, v]) => `      <property name="${escapeXml(k)}" value="${escapeXml(v)}"/>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="faultline" ${totals}>
  <testsuite name="${escapeXml(suite)}" ${totals} timestamp="${new Date(f.origin).toISOString().slice(0, 19)}" hostname="faultline">
    <properties>
${properties}
    </properties>
${cases.map(renderCase).join('\n')}
    <system-out>${escapeXml(f.verdictSentence)}</system-out>
  </testsuite>
</testsuites>
`;
}
