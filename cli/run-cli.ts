// The one exit path: parse the arguments, run the command, and turn whatever it returned or threw
// into an exit code. An AdapterError or anything unexpected is one sentence on stderr and exit 6
// (the stack only with --debug); usage errors exit 2, --help and --version 0. The entry
// (faultline.ts) is the only place that ends the process.
import { CommanderError } from 'commander';
import { ExitCode } from '../src/exit-codes.ts';
import type { CliContext } from './cli-context.ts';
import { failureOf } from './command-error.ts';
import { buildProgram, commandsFor } from './program.ts';
import { createTerminal } from './terminal.ts';

type Redact = (text: string) => string;

export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const redactors: Redact[] = [];
  let exitCode: number = ExitCode.ok;
  const program = await buildProgram(
    {
      ...context,
      settle: (code) => {
        exitCode = code;
      },
      hideSecrets: (redact) => {
        redactors.push(redact);
      },
    },
    commandsFor(argv),
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return usageExitCode(error);
    return reportFailure(error, context, {
      debug: program.opts().debug === true,
      redact: (text) => redactors.reduce((hidden, redact) => redact(hidden), text),
    });
  }
}

// Commander has already printed its message (and the help); only the code is left to decide.
function usageExitCode(error: CommanderError): number {
  const helpOrVersion = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
  return helpOrVersion.includes(error.code) ? ExitCode.ok : ExitCode.invalidInput;
}

// One sentence on stderr, redacted and escaped; the stack (and its causes) only when debugging.
export function reportFailure(
  error: unknown,
  context: Pick<CliContext, 'stderr' | 'env'>,
  options: { debug: boolean; redact?: Redact },
): number {
  const failure = failureOf(error);
  const stderr = createTerminal(context.stderr, context.env, options.redact);
  stderr.print(`faultline: ${failure.message}`);
  if (options.debug && failure.stack) stderr.print(failure.stack);
  return failure.exitCode;
}
