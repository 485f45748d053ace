// `faultline report JOURNAL --format md|html|junit [--out FILE]`: renders a report again from a
// journal.json (to stdout without --out). An unreadable or invalid journal exits 2 (invalid input);
// a report that cannot be written exits 6.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { ExitCode } from '../../src/exit-codes.ts';
import { renderHtml } from '../../src/reporting/html.ts';
import { renderJunit } from '../../src/reporting/junit.ts';
import { renderMarkdown } from '../../src/reporting/markdown.ts';
import { parseJournal } from '../../src/reporting/parse-journal.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { CommandError, reasonOf } from '../command-error.ts';
import { createTerminal, escapeControl } from '../terminal.ts';

const formats = { md: renderMarkdown, html: renderHtml, junit: renderJunit } as const;
type Format = keyof typeof formats;

export function renderReportFile(
  file: string,
  format: Format,
  out: string | undefined,
  context: Pick<CliContext, 'env' | 'stdout' | 'stderr'>,
): number {
  const stderr = createTerminal(context.stderr, context.env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    stderr.print(`${file}: cannot read the journal: ${reasonOf(error)}`);
    return ExitCode.invalidInput;
  }
  const parsed = parseJournal(text);
  if (!parsed.journal) {
    stderr.print(`${file}: not a Faultline journal:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}`);
    return ExitCode.invalidInput;
  }
  const rendered = formats[format](parsed.journal);
  if (out === undefined) {
    // Printed to a terminal or a pipe: control characters from probe values are shown escaped.
    context.stdout.write(escapeControl(rendered));
    return ExitCode.ok;
  }
  try {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, rendered);
  } catch (error) {
    throw new CommandError(ExitCode.environmentError, `could not write the report ${out}`, { cause: error });
  }
  stderr.print(`${format} report: ${resolve(out)}`);
  return ExitCode.ok;
}

export function createReportCommand(context: CommandContext): Command {
  return new Command('report')
    .description('render a report (Markdown, self-contained HTML or JUnit XML) again from a journal.json')
    .argument('<journal>', 'the journal.json of a run (reports/<run-id>/journal.json)')
    .requiredOption('--format <format>', 'md, html or junit', (value: string): Format => {
      if (value in formats) return value as Format;
      throw new InvalidArgumentError(`expected one of md, html, junit; found ${JSON.stringify(value)}`);
    })
    .option('--out <file>', 'write the report to this file instead of stdout')
    .action((journal: string, flags: { format: Format; out?: string }) => {
      context.settle(renderReportFile(journal, flags.format, flags.out, context));
    });
}
