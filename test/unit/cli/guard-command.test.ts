// The guard's side of its channel, over an in-memory duplex pair standing in for the socket pair:
// its answer to orders it can or cannot follow, `done`, and the end of the channel without it.
// A run with nothing in its ledger and no servers in scope: what the guard says and leaves.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duplexPair } from 'node:stream';
import test from 'ava';
import { guardRun } from '../../../cli/commands/guard.ts';
import type { GuardOrders } from '../../../cli/guard-protocol.ts';
import { guardLogFile } from '../../../cli/guard-protocol.ts';
import { ExitCode } from '../../../src/exit-codes.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-guard-unit-'));
let count = 0;

function orders(): GuardOrders {
  const ledger = join(dir, `ledger-${++count}.jsonl`);
  return {
    runId: `20260101T000000Z-000${count}`,
    runPid: 4242,
    ledger,
    scope: { toxiproxyUrls: [], nodeCordons: false, cluster: false },
    revertTimeoutMs: 1_000,
    log: guardLogFile(ledger, `20260101T000000Z-000${count}`),
  };
}

function channel() {
  const [run, guard] = duplexPair();
  let heard = '';
  run.on('data', (chunk: Buffer) => {
    heard += chunk.toString();
  });
  return { run, guard, heard: () => heard };
}

test('orders it cannot follow: it answers failed with why, and exits 6', async (t) => {
  const given = orders();
  const regular = join(dir, 'regular-file');
  writeFileSync(regular, 'not a directory\n');
  const { run, guard, heard } = channel();
  run.write(`${JSON.stringify({ ...given, log: join(regular, 'guards', 'x.log') })}\n`);
  t.is(await guardRun(guard, {}), ExitCode.environmentError);
  t.regex(heard(), /^failed cannot write its log \S+regular-file\/guards\/x\.log: E[A-Z]+: [^\n]*\n$/);
});

test('ready, then done: it exits 0 and leaves no log', async (t) => {
  const given = orders();
  const { run, guard, heard } = channel();
  run.write(`${JSON.stringify(given)}\n`);
  const exit = guardRun(guard, {});
  await waitFor(() => heard() === 'ready\n');
  t.true(existsSync(given.log), 'its log names whom it guards while it does');
  run.write('done\n');
  t.is(await exit, ExitCode.ok);
  t.false(existsSync(given.log));
});

test('ready, then the channel ends without done: the run is gone, it recovers and keeps its log', async (t) => {
  const given = orders();
  const { run, guard, heard } = channel();
  run.write(`${JSON.stringify(given)}\n`);
  const exit = guardRun(guard, {});
  await waitFor(() => heard() === 'ready\n');
  run.end();
  t.is(await exit, ExitCode.ok);
  const log = readFileSync(given.log, 'utf8');
  t.regex(log, new RegExp(`guarding run ${given.runId} \\(pid 4242\\); ledger ${given.ledger}\n`));
  t.regex(
    log,
    /the run's process 4242 is gone \(its channel closed without "done"\): reverting its faults\n/,
  );
  t.regex(log, /first pass done in \d+ ms\n.*done in \d+ ms\n$/);
});

test('the channel ends before any orders: nothing to guard, exit 6', async (t) => {
  const { run, guard } = channel();
  run.end();
  t.is(await guardRun(guard, {}), ExitCode.environmentError);
});

async function waitFor(check: () => boolean) {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 10_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
