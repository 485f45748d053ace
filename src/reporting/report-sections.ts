import { buildActionTable } from './action-table.ts';
import { type ProbeAnalysis, probeResult } from './analyze-probes.ts';
import type { Findings } from './findings.ts';
import { clockFor, formatDateTime, formatDuration, formatNumber, formatOffset } from './format-time.ts';
import { buildLoadSection } from './load-section.ts';
import { describeExcess } from './probe-tolerance.ts';
import type { Block, Cell, ReportDocument, Section, Tone } from './report-document.ts';

const maxWindowsPerProbe = 12;

const verdictTone = (f: Findings): Tone =>
  f.revertFailed ? 'bad' : f.verdict === 'held' ? 'good' : f.verdict === 'aborted' ? 'warn' : 'bad';

const list = (items: string[], none: string, ordered = false): Block =>
  items.length > 0 ? { kind: 'list', items, ordered } : { kind: 'paragraph', text: none };

function windowRows(f: Findings, probe: ProbeAnalysis, at: (t: number) => string): Cell[][] {
  // Deviations first, then the shorter excursions, each in time order.
  const windows = [...probe.windows.filter((w) => w.deviated), ...probe.windows.filter((w) => !w.deviated)];
  const rows = windows.slice(0, maxWindowsPerProbe).map((w): Cell[] => {
    const value = typeof w.worst.value === 'number' ? w.worst.value : undefined;
    const unit = probe.axis.unit ? ` ${probe.axis.unit}` : '';
    const worst = value !== undefined ? `${formatNumber(value)}${unit}` : w.worst.outcome;
    const excess = value !== undefined ? describeExcess(value, probe.axis) : undefined;
    return [
      probe.name,
      w.samples.length === 1
        ? `${at(w.from)} (${formatOffset(w.from, f.origin)})`
        : `${at(w.from)} to ${at(w.to)} (${formatOffset(w.from, f.origin)} to ${formatOffset(w.to, f.origin)})`,
      w.recoveredAt !== undefined
        ? `${at(w.recoveredAt)} (${formatOffset(w.recoveredAt, f.origin)}), ${formatDuration(w.recoveredAt - w.from)} later`
        : 'not within the run',
      String(w.samples.length),
      worst,
      excess ?? w.worst.detail,
      w.faults.join(', ') || 'none',
      w.deviated
        ? { text: 'yes', tone: 'bad' }
        : { text: `no (under ${f.journal.settings.failAfter} in a row)`, tone: 'warn' },
    ];
  });
  const more = probe.windows.length - maxWindowsPerProbe;
  if (more > 0)
    rows.push([probe.name, `… ${more} more stretches (see journal.json)`, '', '', '', '', '', '']);
  return rows;
}

// Lays the findings out as the sections of a postmortem-shaped report.
export function buildReportDocument(f: Findings): ReportDocument {
  const at = clockFor(f.origin, f.end);
  const j = f.journal;
  const hypothesis = f.probes.filter((p) => p.role === 'hypothesis');
  const sections: Section[] = [];

  sections.push({
    id: 'summary',
    title: 'Summary',
    blocks: [
      { kind: 'paragraph', lead: `Verdict: ${f.verdict}.`, text: f.verdictSentence, tone: verdictTone(f) },
      ...(f.experiment.description
        ? [{ kind: 'paragraph' as const, lead: 'Experiment:', text: f.experiment.description }]
        : []),
      { kind: 'paragraph', lead: 'Recorded reason:', text: f.reason },
    ],
  });

  sections.push({
    id: 'hypothesis',
    title: 'Hypothesis and tolerances',
    blocks: [
      {
        kind: 'paragraph',
        text: `The steady state is ${hypothesis.map((p) => `${p.name} (${p.expected})`).join('; ') || 'undefined'}. It is checked before the faults, every ${formatDuration(j.settings.everyMs)} during them (${j.settings.failAfter} failed sample${j.settings.failAfter === 1 ? '' : 's'} in a row count as a deviation) and after ${formatDuration(j.settings.recoveryMs)} of recovery.`,
      },
      {
        kind: 'table',
        headers: ['Probe', 'Role', 'Kind', 'Expected', 'Samples', 'Out of tolerance', 'Result'],
        rows: f.probes.map((p) => {
          const result = probeResult(p);
          return [
            p.name,
            p.role,
            p.kind,
            p.expected,
            String(p.samples.length),
            String(p.failed),
            { text: result.text, tone: result.tone },
          ];
        }),
      },
    ],
  });

  const impactRows = f.probes.filter((p) => p.role !== 'rollback').flatMap((p) => windowRows(f, p, at));
  sections.push({
    id: 'impact',
    title: 'Impact',
    blocks: [
      impactRows.length === 0
        ? { kind: 'paragraph', text: 'No probe left its tolerance at any time during the run.', tone: 'good' }
        : {
            kind: 'table',
            headers: [
              'Probe',
              'Out of tolerance (UTC)',
              'Back within tolerance',
              'Samples out',
              'Worst',
              'By how much',
              'Faults in place',
              'Deviation',
            ],
            rows: impactRows,
          },
      { kind: 'probe-charts' },
    ],
  });

  const load = buildLoadSection(f.load);
  if (load) sections.push(load);

  sections.push({
    id: 'injected',
    title: 'What was injected, and where',
    blocks: [{ kind: 'list', items: f.blastRadius }, buildActionTable(f, at), { kind: 'fault-gantt' }],
  });

  const timelineRows: Cell[][] = f.timeline.entries.map((e) => [
    at(e.at),
    formatOffset(e.at, f.origin),
    e.phase,
    { text: e.what, tone: e.tone },
    e.text,
  ]);
  if (f.timeline.omitted > 0)
    timelineRows.splice(f.timeline.gapAt, 0, [
      '…',
      '',
      '',
      '',
      `${f.timeline.omitted} more entries (see journal.json)`,
    ]);
  sections.push({
    id: 'timeline',
    title: 'Timeline',
    blocks: [
      { kind: 'paragraph', text: `Times are UTC; "since start" counts from ${formatDateTime(f.origin)}.` },
      {
        kind: 'table',
        headers: ['Time (UTC)', 'Since start', 'Phase', 'What', 'Detail'],
        rows: timelineRows,
      },
    ],
  });

  const d = f.detection;
  const detection: string[] = [];
  detection.push(
    d.firstInjectedAt !== undefined
      ? `First fault injected at ${at(d.firstInjectedAt)} (${formatOffset(d.firstInjectedAt, f.origin)}).`
      : 'No fault was injected.',
  );
  if (d.firstOutOfTolerance)
    detection.push(
      `First sample out of tolerance: ${d.firstOutOfTolerance.probe} at ${at(d.firstOutOfTolerance.at)}${d.toFirstOutOfToleranceMs !== undefined ? `, ${formatDuration(d.toFirstOutOfToleranceMs)} after the first fault was injected` : ''} (${d.firstOutOfTolerance.detail}).`,
    );
  else if (d.firstInjectedAt !== undefined)
    detection.push('No hypothesis sample left its tolerance during the method.');
  if (d.deviationDeclaredAt !== undefined)
    detection.push(
      `Deviation declared at ${at(d.deviationDeclaredAt)}${d.toDeclaredMs !== undefined ? `, ${formatDuration(d.toDeclaredMs)} after the first fault was injected` : ''}${d.firstOutOfTolerance ? ` and ${formatDuration(d.deviationDeclaredAt - d.firstOutOfTolerance.at)} after the first sample out of tolerance` : ''} (it takes ${j.settings.failAfter} failed sample${j.settings.failAfter === 1 ? '' : 's'} in a row, ${formatDuration(j.settings.everyMs)} apart: at least ${formatDuration(d.fastestDeclarationMs)} plus the samples' own time).`,
    );
  if (d.lastRevertedAt !== undefined)
    detection.push(
      `Every fault reverted by ${at(d.lastRevertedAt)}: ${formatDuration(d.toAllRevertedMs ?? 0)} after the first injection${d.declaredToRevertedMs !== undefined ? `, ${formatDuration(d.declaredToRevertedMs)} after the deviation was declared` : ''}.`,
    );
  else if (d.firstInjectedAt !== undefined)
    detection.push('Not every fault was reverted: see the reverts above.');
  sections.push({ id: 'detection', title: 'Detection', blocks: [{ kind: 'list', items: detection }] });

  sections.push({
    id: 'went-well',
    title: 'What went well',
    blocks: [list(f.wentWell, 'Nothing in the data stands out as having gone well.')],
  });
  sections.push({
    id: 'went-wrong',
    title: 'What went wrong',
    blocks: [list(f.wentWrong, 'Nothing went wrong: no deviation, no failed revert, no probe failure.')],
  });
  sections.push({
    id: 'lucky',
    title: 'Where we got lucky',
    blocks: [
      list(f.lucky, 'No near miss in the data: no probe came close to its bound, no revert needed a retry.'),
    ],
  });
  sections.push({
    id: 'follow-ups',
    title: 'Suggested follow-ups',
    blocks: [list(f.followUps, 'None.', true)],
  });
  sections.push({
    id: 'settings',
    title: 'Run settings',
    blocks: [{ kind: 'table', headers: ['Setting', 'Value'], rows: f.settings }],
  });

  const duration = f.end - f.origin;
  return {
    title: `Experiment report: ${f.experiment.name}`,
    verdictLabel: f.revertFailed ? `${f.verdict}, not reverted` : f.verdict,
    verdictTone: verdictTone(f),
    facts: [
      ['Run', j.runId],
      ['Experiment', f.experiment.name],
      ['Started', formatDateTime(f.origin)],
      ['Duration', formatDuration(duration)],
      ['Seed', String(j.seed)],
      ...(f.experiment.labels.length > 0
        ? [['Labels', f.experiment.labels.map(([k, v]) => `${k}=${v}`).join(', ')] as [string, string]]
        : []),
      ...(f.experiment.tags.length > 0 ? [['Tags', f.experiment.tags.join(', ')] as [string, string]] : []),
    ],
    sections,
  };
}
