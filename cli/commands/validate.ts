// `faultline validate FILE... [--var KEY=VALUE]...`: checks experiment files without touching any
// server. Diagnostics (warnings too) go to stderr as FILE:LINE:COL: severity: message, then one
// summary line per file to stdout; exit 0 when every file is valid, 2 (invalid input) otherwise.
import { Command } from 'commander';
import { ExitCode } from '../../src/exit-codes.ts';
import { countBySeverity, type Diagnostic, formatDiagnostic } from '../../src/experiment/diagnostic.ts';
import { loadExperimentFile } from '../../src/loader/load-experiment-file.ts';
import {
  type ChaosToolkitFlags,
  chaosToolkitImportOptions,
  chaosToolkitNote,
  chaosToolkitOptions,
} from '../chaos-toolkit-flags.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { type VarFlags, varOption } from '../options.ts';
import { createTerminal, escapeControl, type Terminal } from '../terminal.ts';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function formatForTerminal(
  diagnostic: Diagnostic,
  terminal: Terminal,
  redact: (t: string) => string,
): string {
  const line = escapeControl(redact(formatDiagnostic(diagnostic)));
  const label = `: ${diagnostic.severity}: `;
  const style = diagnostic.severity === 'error' ? 'red' : 'yellow';
  return line.replace(label, `: ${terminal.paint(style, diagnostic.severity)}: `);
}

export async function validateFiles(
  files: readonly string[],
  vars: Readonly<Record<string, string>>,
  context: Pick<CliContext, 'env' | 'stdout' | 'stderr'>,
  chaosToolkit: ChaosToolkitFlags = {},
): Promise<number> {
  const stdout = createTerminal(context.stdout, context.env);
  const stderr = createTerminal(context.stderr, context.env);
  let allValid = true;
  for (const file of files) {
    const loaded = await loadExperimentFile(file, {
      vars,
      env: context.env,
      unresolved: 'warning',
      chaosToolkit: chaosToolkitImportOptions(chaosToolkit),
    });
    const { diagnostics, redact } = loaded;
    for (const diagnostic of diagnostics) stderr.write(`${formatForTerminal(diagnostic, stderr, redact)}\n`);
    const { errors, warnings } = countBySeverity(diagnostics);
    const shownFile = escapeControl(file);
    if (errors > 0) {
      allValid = false;
      stdout.write(
        `${shownFile}: ${stdout.paint('red', plural(errors, 'error'))}, ${plural(warnings, 'warning')}\n`,
      );
    } else {
      const notes = [chaosToolkitNote(shownFile, loaded), warnings > 0 ? plural(warnings, 'warning') : ''];
      const note = notes.some(Boolean) ? ` (${notes.filter(Boolean).join('; ')})` : '';
      stdout.write(`${stdout.paint('green', 'ok')} ${shownFile}${note}\n`);
    }
  }
  return allValid ? ExitCode.ok : ExitCode.invalidInput;
}

export function createValidateCommand(context: CommandContext): Command {
  const command = new Command('validate')
    .description(
      'Check experiment files (YAML, JSON, or .ts/.js modules; Faultline or Chaos Toolkit) and report every problem; touches no server.',
    )
    .argument('<file...>', 'experiment files')
    .addOption(varOption());
  for (const option of chaosToolkitOptions()) command.addOption(option);
  return command.action(async (files: string[], flags: VarFlags & ChaosToolkitFlags) => {
    context.settle(await validateFiles(files, flags.var ?? {}, context, flags));
  });
}
