// `faultline validate FILE... [--var KEY=VALUE]...`: checks experiment files without touching any
// server. Diagnostics (warnings too) go to stderr as FILE:LINE:COL: severity: message, then one
// summary line per file to stdout; exit 0 when every file is valid, 2 (invalid input) otherwise.
import { type Command, InvalidArgumentError } from 'commander';
import { ExitCode } from '../../src/exit-codes.ts';
import { countBySeverity, type Diagnostic, formatDiagnostic } from '../../src/experiment/diagnostic.ts';
import { loadExperiment } from '../../src/experiment/load-experiment.ts';
import { variableNamePattern } from '../../src/experiment/variables.ts';

export type ValidateIo = {
  env: Readonly<Record<string, string | undefined>>;
  writeOut: (text: string) => void;
  writeErr: (text: string) => void;
  colourOut: boolean;
  colourErr: boolean;
};

const paint = (enabled: boolean, code: number, text: string) =>
  enabled ? `\u001b[${code}m${text}\u001b[0m` : text;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function formatForTerminal(diagnostic: Diagnostic, colour: boolean): string {
  const line = formatDiagnostic(diagnostic);
  const label = `: ${diagnostic.severity}: `;
  const code = diagnostic.severity === 'error' ? 31 : 33;
  return line.replace(label, `: ${paint(colour, code, diagnostic.severity)}: `);
}

export async function validateFiles(
  files: readonly string[],
  vars: Readonly<Record<string, string>>,
  io: ValidateIo,
): Promise<number> {
  let allValid = true;
  for (const file of files) {
    const { diagnostics } = await loadExperiment(file, { vars, env: io.env, unresolved: 'warning' });
    for (const diagnostic of diagnostics) io.writeErr(`${formatForTerminal(diagnostic, io.colourErr)}\n`);
    const { errors, warnings } = countBySeverity(diagnostics);
    if (errors > 0) {
      allValid = false;
      io.writeOut(
        `${file}: ${paint(io.colourOut, 31, plural(errors, 'error'))}, ${plural(warnings, 'warning')}\n`,
      );
    } else {
      const note = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
      io.writeOut(`${paint(io.colourOut, 32, 'ok')} ${file}${note}\n`);
    }
  }
  return allValid ? ExitCode.held : ExitCode.invalidInput;
}

// --var KEY=VALUE, repeatable; the last one for a key wins.
export function collectVar(text: string, vars: Record<string, string> = {}): Record<string, string> {
  const separator = text.indexOf('=');
  const key = separator < 0 ? '' : text.slice(0, separator);
  if (!variableNamePattern.test(key)) {
    throw new InvalidArgumentError(
      `expected KEY=VALUE with KEY of letters, digits and _, found ${JSON.stringify(text)}`,
    );
  }
  return { ...vars, [key]: text.slice(separator + 1) };
}

function colourFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function registerValidateCommand(program: Command): Command {
  return program
    .command('validate')
    .description('Check experiment files (YAML or JSON) and report every problem; touches no server.')
    .argument('<file...>', 'experiment files')
    .option(
      '--var <KEY=VALUE>',
      'set a variable (overrides the environment and spec.configuration)',
      collectVar,
    )
    .action(async (files: string[], options: { var?: Record<string, string> }) => {
      process.exitCode = await validateFiles(files, options.var ?? {}, {
        env: process.env,
        writeOut: (text) => process.stdout.write(text),
        writeErr: (text) => process.stderr.write(text),
        colourOut: colourFor(process.stdout, process.env),
        colourErr: colourFor(process.stderr, process.env),
      });
    });
}
