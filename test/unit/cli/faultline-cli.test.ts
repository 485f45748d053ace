// The CLI entry point, run the way a user runs it: `npx faultline ...` as a child process.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { ExitCode } from '../../../src/exit-codes.ts';
import { runProcess } from '../../helpers/run-process.ts';
import { projectRoot } from '../../helpers/sandbox-env.ts';

const pkg = JSON.parse(readFileSync(`${projectRoot}package.json`, 'utf8')) as { version: string };
const faultline = (...args: string[]) =>
  runProcess('npx', ['--no-install', 'faultline', ...args], { cwd: projectRoot });

test('--version prints the package version', async (t) => {
  const result = await faultline('--version');
  t.is(result.exitCode, 0, result.stderr);
  t.is(result.stdout.trim(), pkg.version);
});

test('--help describes the runner', async (t) => {
  const result = await faultline('--help');
  t.is(result.exitCode, 0, result.stderr);
  t.regex(result.stdout, /^Usage: faultline/m);
  t.regex(result.stdout, /steady-state hypothes/);
});

test('an unknown command is invalid input', async (t) => {
  const result = await faultline('no-such-command');
  t.is(result.exitCode, ExitCode.invalidInput);
  t.regex(result.stderr, /no-such-command|too many arguments|unknown command/);
});
