import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { ExitCode } from '../../src/exit-codes.ts';
import { starterExperiment, starterSchedule } from '../init-templates.ts';

export function createInitCommand(): Command {
  return new Command('init')
    .description('write a commented starter experiment.yaml and schedule.yaml')
    .argument('[dir]', 'where to write them', '.')
    .option('--force', 'overwrite existing files')
    .action((dir: string, flags: { force?: boolean }) => {
      const files = [
        [join(dir, 'experiment.yaml'), starterExperiment],
        [join(dir, 'schedule.yaml'), starterSchedule],
      ] as const;
      const existing = files.filter(([file]) => existsSync(file)).map(([file]) => file);
      if (existing.length > 0 && !flags.force) {
        console.error(`not overwriting ${existing.join(' and ')} (use --force)`);
        process.exitCode = ExitCode.invalidInput;
        return;
      }
      mkdirSync(dir, { recursive: true });
      for (const [file, text] of files) {
        writeFileSync(file, text);
        console.log(`wrote ${file}`);
      }
      console.log(`next: npx faultline validate ${files.map(([f]) => f).join(' ')}`);
    });
}
