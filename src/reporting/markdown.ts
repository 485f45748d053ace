import type { Journal } from '../engine/journal.ts';
import { deriveFindings } from './derive-findings.ts';
import { escapeMarkdown, escapeMarkdownCell } from './escape.ts';
import type { Findings } from './findings.ts';
import type { Block, Cell } from './report-document.ts';
import { buildReportDocument } from './report-sections.ts';

const cellText = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);

function renderTable(headers: string[], rows: Cell[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(headers.map(escapeMarkdownCell)),
    line(headers.map(() => '---')),
    ...rows.map((row) => line(row.map((cell) => escapeMarkdownCell(cellText(cell))))),
  ].join('\n');
}

function renderBlock(block: Block): string | undefined {
  switch (block.kind) {
    case 'paragraph':
      return block.lead
        ? `**${escapeMarkdown(block.lead)}** ${escapeMarkdown(block.text)}`
        : escapeMarkdown(block.text);
    case 'list':
      return block.items
        .map((item, i) => `${block.ordered ? `${i + 1}.` : '-'} ${escapeMarkdown(item)}`)
        .join('\n');
    case 'table':
      return renderTable(block.headers, block.rows);
    case 'probe-charts':
    case 'fault-gantt':
    case 'load-charts':
      return undefined;
  }
}

// report.md: the postmortem-shaped report for people and pull requests. Pure: journal in, text out.
export function renderMarkdown(journal: Journal, findings: Findings = deriveFindings(journal)): string {
  const doc = buildReportDocument(findings);
  const out: string[] = [`# ${escapeMarkdown(doc.title)}`, ''];
  out.push(`> **Verdict: ${escapeMarkdown(doc.verdictLabel)}**`, '');
  out.push(renderTable(['Run', 'Value'], doc.facts), '');
  for (const section of doc.sections) {
    out.push(`## ${escapeMarkdown(section.title)}`, '');
    for (const block of section.blocks) {
      const text = renderBlock(block);
      if (text !== undefined) out.push(text, '');
    }
  }
  out.push(
    '---',
    '',
    '_Rendered by Faultline from journal.json. This report describes how the system and its parts behaved under the faults; it assigns no blame._',
    '',
  );
  return out.join('\n');
}
