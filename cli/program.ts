import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CommandContext } from './cli-context.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// Each subcommand's module, imported only when it is wanted: `validate` never loads the Kubernetes
// client, `--version` loads no command at all (the bundle keeps each in its own chunk).
type CreateCommand = (context: CommandContext) => Command;
const commandModules: Record<string, () => Promise<CreateCommand>> = {
  validate: async () => (await import('./commands/validate.ts')).createValidateCommand,
  plan: async () => (await import('./commands/plan.ts')).createPlanCommand,
  run: async () => (await import('./commands/run.ts')).createRunCommand,
  schedule: async () => (await import('./commands/schedule.ts')).createScheduleCommand,
  recover: async () => (await import('./commands/recover.ts')).createRecoverCommand,
  status: async () => (await import('./commands/status.ts')).createStatusCommand,
  halt: async () => (await import('./commands/halt.ts')).createHaltCommand,
  resume: async () => (await import('./commands/halt.ts')).createResumeCommand,
  init: async () => (await import('./commands/init.ts')).createInitCommand,
  report: async () => (await import('./commands/report.ts')).createReportCommand,
  import: async () => (await import('./commands/import.ts')).createImportCommand,
  // Started by `run` only (cli/run-guard.ts): not in --help.
  guard: async () => (await import('./commands/guard.ts')).createGuardCommand,
};
const hiddenCommands = new Set(['guard']);

// The commands a command line needs: the one it names (`faultline help X` names X), none for a bare
// --version, and every one otherwise (--help lists them; a misspelt name gets a suggestion).
// The root's own options (--debug, --help, --version) take no value, so the first word that is not
// an option is the command.
export function commandsFor(argv: readonly string[]): string[] {
  const words = argv.filter((word) => !word.startsWith('-'));
  const named = words[0] === 'help' ? words[1] : words[0];
  if (named !== undefined && named in commandModules) return [named];
  if (named === undefined && argv.some((word) => word === '-V' || word === '--version')) return [];
  return Object.keys(commandModules);
}

// The root command and the subcommands asked for (all by default). Usage errors, --help and
// --version throw a CommanderError (exitOverride) instead of exiting: run-cli.ts turns it into the
// exit code.
export async function buildProgram(
  context: CommandContext,
  names: readonly string[] = Object.keys(commandModules),
): Promise<Command> {
  const program = new Command('faultline')
    .description(
      'Chaos-engineering runner: declarative experiments that kill pods, inject latency or partitions\n' +
        'through Toxiproxy and drain nodes, while checking steady-state hypotheses.',
    )
    .version(pkg.version, '-V, --version')
    .option('--debug', 'print the stack of an unexpected error');
  const creators = await Promise.all(names.map((name) => commandModules[name]?.()));
  creators.forEach((create, index) => {
    if (create) program.addCommand(create(context), { hidden: hiddenCommands.has(names[index] ?? '') });
  });
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
