import { readFileSync } from 'node:fs';
import { Command, type CommanderError } from 'commander';
import { ExitCode } from '../src/exit-codes.ts';
import { createImportCommand } from './commands/import.ts';
import { createInitCommand } from './commands/init.ts';
import { registerPlanCommand } from './commands/plan.ts';
import { createRecoverCommand } from './commands/recover.ts';
import { createReportCommand } from './commands/report.ts';
import { createRunCommand } from './commands/run.ts';
import { createScheduleCommand } from './commands/schedule.ts';
import { registerValidateCommand } from './commands/validate.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// The root command: every subcommand hangs off it; usage errors exit with the invalid-input code.
export function buildProgram(): Command {
  const program = new Command('faultline')
    .description(
      'Chaos-engineering runner: declarative experiments that kill pods, inject latency or partitions\n' +
        'through Toxiproxy and drain nodes, while checking steady-state hypotheses.',
    )
    .version(pkg.version, '-V, --version')
    .showHelpAfterError()
    .exitOverride((error: CommanderError) => {
      const helpOrVersion = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(
        error.code,
      );
      process.exit(helpOrVersion ? 0 : ExitCode.invalidInput);
    });
  registerValidateCommand(program);
  registerPlanCommand(program);
  program.addCommand(createRunCommand());
  program.addCommand(createScheduleCommand());
  program.addCommand(createRecoverCommand());
  program.addCommand(createInitCommand());
  program.addCommand(createReportCommand());
  program.addCommand(createImportCommand());
  // Added commands do not inherit settings: usage errors anywhere exit with the invalid-input code.
  for (const command of program.commands) {
    command.showHelpAfterError().exitOverride((error: CommanderError) => {
      const helpOrVersion = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(
        error.code,
      );
      process.exit(helpOrVersion ? 0 : ExitCode.invalidInput);
    });
  }
  return program;
}
