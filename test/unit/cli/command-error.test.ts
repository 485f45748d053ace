// What a thrown value means for the process: its exit code and the one sentence printed.
import test from 'ava';
import { CommandError, failureOf, reasonOf } from '../../../cli/command-error.ts';
import { AdapterError } from '../../../src/adapters/adapter-error.ts';
import { ExitCode } from '../../../src/exit-codes.ts';
import { LedgerError } from '../../../src/ledger/fault-ledger.ts';

test('a CommandError says what could not be done and why, and keeps the cause', (t) => {
  const cause = Object.assign(new Error('ENOSPC: no space left on device, write\n  more'), {
    code: 'ENOSPC',
  });
  const error = new CommandError(ExitCode.environmentError, 'could not write the journal /x/journal.json', {
    cause,
  });
  t.is(error.message, 'could not write the journal /x/journal.json: ENOSPC: no space left on device, write');
  t.is(error.cause, cause);
  t.deepEqual(
    { ...failureOf(error), stack: undefined },
    { exitCode: ExitCode.environmentError, message: error.message, stack: undefined },
  );
  t.regex(failureOf(error).stack ?? '', /caused by: Error: ENOSPC/);
});

test('an AdapterError is an environment error, in its own words', (t) => {
  const failure = failureOf(new AdapterError('toxiproxy', 'unreachable', 'cannot reach the server'));
  t.is(failure.exitCode, ExitCode.environmentError);
  t.is(failure.message, 'toxiproxy: cannot reach the server');
});

test('a LedgerError is an environment error, naming the file and why', (t) => {
  const cause = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const failure = failureOf(new LedgerError('/x/ledger.jsonl', 'append the open line of r/f/0', cause));
  t.is(failure.exitCode, ExitCode.environmentError);
  t.is(
    failure.message,
    'fault ledger /x/ledger.jsonl: cannot append the open line of r/f/0: no space left on the device (ENOSPC)',
  );
});

test('anything else is an unexpected environment error, never a verdict', (t) => {
  t.deepEqual(
    { ...failureOf(new TypeError('x is not a function')), stack: undefined },
    {
      exitCode: ExitCode.environmentError,
      message: 'unexpected error: x is not a function',
      stack: undefined,
    },
  );
  t.is(failureOf('a string').message, 'unexpected error: a string');
  t.is(failureOf(undefined).exitCode, 6);
});

test('a reason is one line', (t) => {
  t.is(reasonOf(new Error('first line\nsecond line')), 'first line');
  t.is(reasonOf(new Error('')), 'Error');
});
