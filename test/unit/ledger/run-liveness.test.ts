import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import test from 'ava';
import { currentProcess, processStateOf } from '../../../src/ledger/process-identity.ts';
import { judgeRun } from '../../../src/ledger/run-liveness.ts';
import { enterRun } from '../../../src/ledger/runs-in-process.ts';

const now = Date.parse('2026-11-30T12:00:00Z');

test('a process gone on this host outranks a Lease not yet expired (kill -9 a moment ago)', (t) => {
  const judged = judgeRun({ lease: 'live', process: 'gone', deadline: now + 60_000 }, now);
  t.false(judged.alive);
  t.regex(judged.why, /process .* gone/);
});

test('a live Lease keeps a run alive when its process runs elsewhere or is not known', (t) => {
  t.true(judgeRun({ lease: 'live', process: 'elsewhere' }, now).alive);
  t.true(judgeRun({ lease: 'live' }, now).alive);
  t.false(judgeRun({ lease: 'expired', process: 'elsewhere', deadline: now + 60_000 }, now).alive);
});

test('marks alone: alive until the deadline, gone after it', (t) => {
  t.true(judgeRun({ deadline: now + 1 }, now).alive);
  t.false(judgeRun({ deadline: now - 1 }, now).alive);
  t.false(judgeRun({ lease: 'absent', registered: true, deadline: now + 60_000 }, now).alive);
});

test('this process runs a run only while it is going; a pid that ended is gone; another host is elsewhere', (t) => {
  const me = currentProcess();
  t.is(processStateOf(me, 'run-a'), 'gone', 'an ended run of this process');
  const leave = enterRun('run-a');
  t.is(processStateOf(me, 'run-a'), 'alive');
  t.is(processStateOf(me, 'run-b'), 'gone', 'only the run that is going');
  leave();
  t.is(processStateOf(me, 'run-a'), 'gone');

  const child = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  const ended = { host: hostname(), pid: Number(child.stdout.trim()) };
  t.is(processStateOf(ended, 'run-c'), 'gone');
  t.is(processStateOf({ ...me, host: `${hostname()}-other` }, 'run-a'), 'elsewhere');
  // The same pid started at another time is another process (a reused pid).
  t.is(processStateOf({ ...me, pid: process.ppid, started: '1' }, 'run-a'), 'gone');
});
