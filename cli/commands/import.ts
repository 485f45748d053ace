// `faultline import FILE [--out FILE]`: a Chaos Toolkit experiment (JSON or YAML) in, the
// equivalent Faultline experiment out (YAML, commented where the meaning shifts). Problems go to
// stderr as FILE:LINE:COL in the Chaos Toolkit file; any error writes nothing and exits 2.
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { convertChaosToolkit } from '../../src/chaostoolkit/convert-chaostoolkit.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { countBySeverity, formatDiagnostic } from '../../src/experiment/diagnostic.ts';
import {
  type ChaosToolkitFlags,
  chaosToolkitImportOptions,
  chaosToolkitOptions,
} from '../chaos-toolkit-flags.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { CommandError } from '../command-error.ts';
import { createTerminal, escapeControl } from '../terminal.ts';

type ImportFlags = ChaosToolkitFlags & { out?: string };

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

async function importFile(file: string, flags: ImportFlags, context: CliContext): Promise<number> {
  const stderr = createTerminal(context.stderr, context.env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    stderr.print(
      `${file}: error: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
    return ExitCode.invalidInput;
  }
  const result = convertChaosToolkit(text, file, chaosToolkitImportOptions(flags));
  for (const diagnostic of result.diagnostics) stderr.print(formatDiagnostic(diagnostic));
  const { errors, warnings } = countBySeverity(result.diagnostics);
  if (errors > 0 || result.yaml === undefined) {
    stderr.print(`${file}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}; nothing written`);
    return ExitCode.invalidInput;
  }
  if (flags.out) {
    try {
      await writeFile(flags.out, result.yaml);
    } catch (error) {
      throw new CommandError(ExitCode.environmentError, `could not write ${flags.out}`, { cause: error });
    }
  } else context.stdout.write(escapeControl(result.yaml));
  const shifts = plural(result.notes.length, 'comment');
  stderr.print(
    `imported ${file}${flags.out ? ` into ${flags.out}` : ''}: ${shifts} where the meaning shifts, ${plural(warnings, 'warning')}`,
  );
  return ExitCode.ok;
}

export function createImportCommand(context: CommandContext): Command {
  const command = new Command('import')
    .description(
      'convert a Chaos Toolkit experiment (JSON or YAML) into a Faultline experiment, commented where the meaning shifts',
    )
    .argument('<file>', 'the Chaos Toolkit experiment')
    .option('--out <file>', 'write the Faultline experiment here (default: standard output)');
  for (const option of chaosToolkitOptions()) command.addOption(option);
  return command.action(async (file: string, flags: ImportFlags) => {
    context.settle(await importFile(file, flags, context));
  });
}
