import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ExitCode } from '../../src/exit-codes.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { CommandError } from '../command-error.ts';
import { starterExperiment, starterSchedule } from '../init-templates.ts';
import { createTerminal } from '../terminal.ts';

export function createInitCommand(context: CommandContext): Command {
  return new Command('init')
    .description('write a commented starter experiment.yaml and schedule.yaml')
    .argument('[dir]', 'where to write them', '.')
    .option('--force', 'overwrite existing files')
    .action((dir: string, flags: { force?: boolean }) => {
      context.settle(writeStarters(dir, flags.force === true, context));
    });
}

function writeStarters(dir: string, force: boolean, context: CliContext): number {
  const stdout = createTerminal(context.stdout, context.env);
  const stderr = createTerminal(context.stderr, context.env);
  const files = [
    [join(dir, 'experiment.yaml'), starterExperiment],
    [join(dir, 'schedule.yaml'), starterSchedule],
  ] as const;
  const existing = files.filter(([file]) => existsSync(file)).map(([file]) => file);
  if (existing.length > 0 && !force) {
    stderr.print(`not overwriting ${existing.join(' and ')} (use --force)`);
    return ExitCode.invalidInput;
  }
  for (const [file, text] of files) {
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, text);
    } catch (error) {
      throw new CommandError(ExitCode.environmentError, `could not write ${file}`, { cause: error });
    }
    stdout.print(`wrote ${file}`);
  }
  stdout.print(`next: npx faultline validate ${files.map(([f]) => f).join(' ')}`);
  return ExitCode.ok;
}
