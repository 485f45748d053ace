import type { Journal } from '../engine/journal.ts';
import { type ProbeAnalysis, probeResult } from './analyze-probes.ts';
import { deriveFindings } from './derive-findings.ts';
import { escapeHtml } from './escape.ts';
import type { ActionRow, Findings } from './findings.ts';
import { renderLoadCharts } from './html-load-charts.ts';
import { reportCss } from './html-style.ts';
import type { Block, Cell } from './report-document.ts';
import { buildReportDocument } from './report-sections.ts';
import { type ChartShade, renderProbeChart } from './svg-chart.ts';
import { type GanttRow, renderGantt } from './svg-gantt.ts';

// Nothing in the page may load anything: no scripts, no fonts, no images from elsewhere.
const contentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const tone = (t: string | undefined) => (t ? ` class="tone-${t}"` : '');

// data-label repeats the column's header, for the stacked layout of tables on a phone.
function renderCell(cell: Cell, header: string | undefined): string {
  const label = ` data-label="${escapeHtml(header ?? '')}"`;
  return typeof cell === 'string'
    ? `<td${label}>${escapeHtml(cell)}</td>`
    : `<td${tone(cell.tone)}${label}>${escapeHtml(cell.text)}</td>`;
}

// The windows in which each fault was in place, overlapping ones merged (several targets at once).
function faultShades(f: Findings): ChartShade[] {
  const shades: ChartShade[] = [];
  for (const fault of new Set(f.spans.map((s) => s.fault))) {
    const failed = f.actions.some((a) => a.fault === fault && a.revert === 'failed');
    const spans = f.spans.filter((s) => s.fault === fault).sort((a, b) => a.from - b.from);
    let open: ChartShade | undefined;
    for (const span of spans) {
      if (open && span.from <= open.to) open.to = Math.max(open.to, span.to);
      else {
        open = { label: fault, from: span.from, to: span.to, leftInPlace: failed };
        shades.push(open);
      }
    }
  }
  return shades;
}

function renderProbeCharts(f: Findings): string {
  const shades = faultShades(f);
  // Probes sampled over time get a chart; steps and rollbacks (one sample each) are in the tables.
  const charted = f.probes.filter(
    (p) => p.samples.length > 1 || ((p.role === 'hypothesis' || p.role === 'abort') && p.samples.length > 0),
  );
  if (charted.length === 0) return '<p>No probe was sampled.</p>';
  const figure = (p: ProbeAnalysis) => {
    const result = probeResult(p);
    const unit = p.axis.unit ? ` (${p.axis.unit})` : '';
    return `<figure><figcaption><strong>${escapeHtml(p.name)}</strong> · ${escapeHtml(p.role)} probe · ${escapeHtml(`${p.axis.label}${unit}`)} · expected ${escapeHtml(p.expected)} · <span${tone(result.tone)}>${escapeHtml(result.text)}</span></figcaption>${renderProbeChart(
      {
        title: p.name,
        axis: p.axis,
        samples: p.samples,
        origin: f.origin,
        end: f.end,
        shades,
        gapMs: f.journal.settings.everyMs * 2.5,
      },
    )}</figure>`;
  };
  const legend =
    '<p class="legend"><span class="l-line">measured value</span><span class="l-band">tolerance</span><span class="l-fault">fault in place</span><span class="l-miss">sample out of tolerance (▲ at the top: no value)</span></p>';
  return `<h3>Probes over time</h3>${legend}${charted.map(figure).join('')}`;
}

function phaseSegments(f: Findings): GanttRow['segments'] {
  const segments: GanttRow['segments'] = [];
  for (const event of f.journal.events) {
    const last = segments[segments.length - 1];
    if (last && last.tone === `phase phase-${event.phase}`) continue;
    if (last) last.to = event.at;
    if (event.phase === 'done') break;
    segments.push({
      from: event.at,
      to: f.end,
      tone: `phase phase-${event.phase}`,
      title: event.phase,
      text: event.phase,
    });
  }
  return segments;
}

function renderFaultGantt(f: Findings): string {
  const rows: GanttRow[] = [{ label: 'run phases', segments: phaseSegments(f) }];
  const segment = (a: ActionRow): GanttRow['segments'] => {
    if (a.injectedAt === undefined) return [];
    const podBackAt =
      a.undoKind === 'pod-deleted' && a.effect?.outcome === 'ready' && a.effect.afterMs !== undefined
        ? a.injectedAt + a.effect.afterMs
        : undefined;
    return [
      {
        from: a.injectedAt,
        to: a.revert === 'failed' ? undefined : (podBackAt ?? a.revertedAt),
        tone: a.revert === 'failed' ? 'failed' : (a.attempts ?? 1) > 1 ? 'retried' : 'fault',
        title: `${a.fault} on ${a.target} (${a.effect?.detail ?? a.revert ?? 'no revert recorded'})`,
      },
    ];
  };
  // A row per action while there are few; a fault with many (a repeating pod kill) gets one row.
  for (const fault of new Set(f.actions.map((a) => a.fault))) {
    const actions = f.actions.filter((a) => a.fault === fault);
    const first = actions[0] as ActionRow;
    const planned =
      first.plannedFrom !== undefined ? { from: first.plannedFrom, to: first.plannedTo } : undefined;
    if (actions.length <= 3) {
      for (const a of actions) rows.push({ label: `${a.fault}: ${a.target}`, planned, segments: segment(a) });
    } else {
      rows.push({
        label: `${fault} (${actions.length} actions)`,
        planned,
        segments: actions.flatMap(segment),
      });
    }
  }
  const markers = [];
  const d = f.detection;
  if (d.firstOutOfTolerance)
    markers.push({ at: d.firstOutOfTolerance.at, label: `first sample out: ${d.firstOutOfTolerance.probe}` });
  if (d.deviationDeclaredAt !== undefined)
    markers.push({ at: d.deviationDeclaredAt, label: 'deviation declared' });
  const legend =
    '<p class="legend"><span class="l-planned">planned window</span><span class="l-bar">fault in place</span><span class="l-failed">not reverted</span></p>';
  return `<h3>Fault timeline</h3><figure><div class="scroll-x">${renderGantt({ origin: f.origin, end: f.end, rows, markers })}</div>${legend}</figure>`;
}

function renderBlock(block: Block, f: Findings): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p${tone(block.tone)}>${block.lead ? `<strong>${escapeHtml(block.lead)}</strong> ` : ''}${escapeHtml(block.text)}</p>`;
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      return `<${tag}>${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</${tag}>`;
    }
    case 'table':
      return `<div class="table-wrap"><table><thead><tr>${block.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${block.rows.map((r) => `<tr>${r.map((c, i) => renderCell(c, block.headers[i])).join('')}</tr>`).join('')}</tbody></table></div>`;
    case 'probe-charts':
      return renderProbeCharts(f);
    case 'fault-gantt':
      return f.actions.length > 0 ? renderFaultGantt(f) : '';
    case 'load-charts':
      return renderLoadCharts(f.load, { origin: f.origin, end: f.end, shades: faultShades(f) });
  }
}

// report.html: the same report as report.md in one self-contained page (inline CSS and SVG, no
// scripts, no requests), with a chart per probe and the fault timeline. Pure: journal in, text out.
export function renderHtml(journal: Journal, findings: Findings = deriveFindings(journal)): string {
  const doc = buildReportDocument(findings);
  const title = `${doc.title} (${doc.verdictLabel})`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${reportCss}</style>
</head>
<body>
<div class="page">
<header class="top tone-${doc.verdictTone}">
<p class="kicker">Faultline experiment report</p>
<h1>${escapeHtml(findings.experiment.name)}</h1>
<p><span class="badge tone-${doc.verdictTone}">${escapeHtml(doc.verdictLabel)}</span></p>
<dl class="facts">${doc.facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>
</header>
<nav class="toc">${doc.sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('')}</nav>
<main>
${doc.sections.map((s) => `<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>${s.blocks.map((b) => renderBlock(b, findings)).join('\n')}</section>`).join('\n')}
</main>
<footer>Rendered by Faultline from journal.json. This report describes how the system and its parts behaved under the faults; it assigns no blame.</footer>
</div>
</body>
</html>
`;
}
