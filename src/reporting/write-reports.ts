import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Journal } from '../engine/journal.ts';
import { deriveFindings } from './derive-findings.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderMarkdown } from './markdown.ts';

export type WrittenReports = { markdown: string; html: string; junit?: string };

export type WriteReportsOptions = {
  /** Where junit.xml goes (only when asked for). */
  junitFile?: string;
};

// Writes report.md and report.html into `dir` (next to journal.json), and junit.xml when asked.
// Render from the journal as written (already redacted), so no report holds what the journal does not.
export function writeReports(
  journal: Journal,
  dir: string,
  options: WriteReportsOptions = {},
): WrittenReports {
  const findings = deriveFindings(journal);
  mkdirSync(dir, { recursive: true });
  const markdown = join(dir, 'report.md');
  const html = join(dir, 'report.html');
  writeFileSync(markdown, renderMarkdown(journal, findings));
  writeFileSync(html, renderHtml(journal, findings));
  if (!options.junitFile) return { markdown, html };
  const junit = resolve(options.junitFile);
  mkdirSync(dirname(junit), { recursive: true });
  writeFileSync(junit, renderJunit(journal, findings));
  return { markdown, html, junit };
}
