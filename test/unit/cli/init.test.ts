// `faultline init` writes starters that validate as written, and never overwrites by surprise.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { runFaultline } from '../../helpers/faultline-process.ts';

test('init writes a starter experiment and schedule that validate; a second init refuses to overwrite', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-init-'));
  const first = await runFaultline(['init', dir]);
  t.is(first.exitCode, 0, first.stderr);
  t.regex(readFileSync(join(dir, 'experiment.yaml'), 'utf8'), /^kind: Experiment$/m);
  t.regex(readFileSync(join(dir, 'schedule.yaml'), 'utf8'), /^kind: Schedule$/m);
  const validated = await runFaultline([
    'validate',
    join(dir, 'experiment.yaml'),
    join(dir, 'schedule.yaml'),
  ]);
  t.is(validated.exitCode, 0, validated.stderr);
  t.notRegex(validated.stderr, /warning|error/, 'the starters need no variables from the environment');
  const again = await runFaultline(['init', dir]);
  t.is(again.exitCode, ExitCode.invalidInput);
  t.regex(again.stderr, /not overwriting .*experiment\.yaml/);
  const forced = await runFaultline(['init', dir, '--force']);
  t.is(forced.exitCode, 0, forced.stderr);
});
