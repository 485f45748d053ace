// The process is touched in two files only: the entry (which alone ends it) and the context it
// hands to every command. A command that reached for process.env, process.exitCode or console
// could not be run in-process by a test, and would have a second exit path.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const allowed = new Set(['cli/faultline.ts', 'cli/cli-context.ts']);
const effect = /\bprocess\.(exit|exitCode|stdout|stderr|stdin|env|argv|on|off|once|kill)\b|\bconsole\.\w+/;

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(projectRoot, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourcesUnder(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

test('only the entry and the context touch the process', (t) => {
  const files = sourcesUnder('cli');
  t.true(files.includes('cli/commands/run.ts'), files.join(' '));
  const offenders = files
    .filter((file) => !allowed.has(file))
    .flatMap((file) =>
      readFileSync(join(projectRoot, file), 'utf8')
        .split('\n')
        .flatMap((line, index) =>
          effect.test(line) && !/^\s*(\/\/|\/?\*)/.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [],
        ),
    );
  t.deepEqual(offenders, []);
});
