import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CommandContext } from './cli-context.ts';
import { createGuardCommand } from './commands/guard.ts';
import { createHaltCommand, createResumeCommand } from './commands/halt.ts';
import { createImportCommand } from './commands/import.ts';
import { createInitCommand } from './commands/init.ts';
import { createPlanCommand } from './commands/plan.ts';
import { createRecoverCommand } from './commands/recover.ts';
import { createReportCommand } from './commands/report.ts';
import { createRunCommand } from './commands/run.ts';
import { createScheduleCommand } from './commands/schedule.ts';
import { createStatusCommand } from './commands/status.ts';
import { createValidateCommand } from './commands/validate.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// The root command and every subcommand. Usage errors, --help and --version throw a CommanderError
// (exitOverride) instead of exiting: run-cli.ts turns it into the exit code.
export function buildProgram(context: CommandContext): Command {
  const program = new Command('faultline')
    .description(
      'Chaos-engineering runner: declarative experiments that kill pods, inject latency or partitions\n' +
        'through Toxiproxy and drain nodes, while checking steady-state hypotheses.',
    )
    .version(pkg.version, '-V, --version')
    .option('--debug', 'print the stack of an unexpected error');
  for (const command of [
    createValidateCommand(context),
    createPlanCommand(context),
    createRunCommand(context),
    createScheduleCommand(context),
    createRecoverCommand(context),
    createStatusCommand(context),
    createHaltCommand(context),
    createResumeCommand(context),
    createInitCommand(context),
    createReportCommand(context),
    createImportCommand(context),
  ])
    program.addCommand(command);
  // Started by `run` only (cli/run-guard.ts): not in --help.
  program.addCommand(createGuardCommand(context), { hidden: true });
  // Added commands do not inherit settings: every one writes to the context's streams and throws.
  for (const command of [program, ...program.commands]) {
    command
      .configureOutput({
        writeOut: (text) => context.stdout.write(text),
        writeErr: (text) => context.stderr.write(text),
      })
      .showHelpAfterError()
      .exitOverride();
  }
  return program;
}
