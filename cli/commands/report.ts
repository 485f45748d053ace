// `faultline report JOURNAL --format md|html|junit [--out FILE]`: renders a report again from a
// journal.json (to stdout without --out). An unreadable or invalid journal exits 2 (invalid input).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ExitCode } from '../../src/exit-codes.ts';
import { renderHtml } from '../../src/reporting/html.ts';
import { renderJunit } from '../../src/reporting/junit.ts';
import { renderMarkdown } from '../../src/reporting/markdown.ts';
import { parseJournal } from '../../src/reporting/parse-journal.ts';

const formats = { md: renderMarkdown, html: renderHtml, junit: renderJunit } as const;
type Format = keyof typeof formats;

export type ReportIo = { writeOut: (text: string) => void; writeErr: (text: string) => void };

export function renderReportFile(
  file: string,
  format: Format,
  out: string | undefined,
  io: ReportIo,
): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    io.writeErr(`${file}: cannot read the journal: ${(error as Error).message}\n`);
    return ExitCode.invalidInput;
  }
  const parsed = parseJournal(text);
  if (!parsed.journal) {
    io.writeErr(`${file}: not a Faultline journal:\n${parsed.problems.map((p) => `  - ${p}\n`).join('')}`);
    return ExitCode.invalidInput;
  }
  const rendered = formats[format](parsed.journal);
  if (out === undefined) {
    io.writeOut(rendered);
    return ExitCode.held;
  }
  try {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, rendered);
  } catch (error) {
    io.writeErr(`${out}: cannot write the report: ${(error as Error).message}\n`);
    return ExitCode.environmentError;
  }
  io.writeErr(`${format} report: ${resolve(out)}\n`);
  return ExitCode.held;
}

export function createReportCommand(): Command {
  return new Command('report')
    .description('render a report (Markdown, self-contained HTML or JUnit XML) again from a journal.json')
    .argument('<journal>', 'the journal.json of a run (reports/<run-id>/journal.json)')
    .requiredOption('--format <format>', 'md, html or junit', (value: string): Format => {
      if (value in formats) return value as Format;
      throw new InvalidArgumentError(`expected one of md, html, junit; found ${JSON.stringify(value)}`);
    })
    .option('--out <file>', 'write the report to this file instead of stdout')
    .action((journal: string, flags: { format: Format; out?: string }) => {
      process.exitCode = renderReportFile(journal, flags.format, flags.out, {
        writeOut: (text) => process.stdout.write(text),
        writeErr: (text) => process.stderr.write(text),
      });
    });
}
