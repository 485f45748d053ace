// The fault ledger as a file: torn tails, lines it cannot use, and a path it cannot use. Real files
// in a temporary directory; recovery against a context that fails the test if anything is reverted.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { systemClock } from '../../../src/clock.ts';
import type { UndoRecord } from '../../../src/faults/undo-record.ts';
import {
  formatLedgerProblem,
  LedgerError,
  type LedgerOpen,
  openFaultLedger,
} from '../../../src/ledger/fault-ledger.ts';
import { recoverFaults } from '../../../src/ledger/recover.ts';
import { deadRunOpenLine, newerUndo } from '../../helpers/ledger-lines.ts';
import { runProcess } from '../../helpers/run-process.ts';

const directory = mkdtempSync(join(tmpdir(), 'faultline-ledger-'));
let files = 0;
const freshFile = () => join(directory, `ledger-${++files}.jsonl`);

const toxic: UndoRecord = {
  kind: 'toxic',
  url: 'http://127.0.0.1:1',
  proxy: 'catalog',
  toxic: 'faultline-x',
};
const entry = (name: string, undo: UndoRecord = toxic) => ({
  entry: name,
  runId: 'r1',
  experiment: 'e',
  fault: 'f',
  undo,
});
test('a torn last line is sealed before the next append: the new entry is kept, the torn line reported once', (t) => {
  const file = freshFile();
  const ledger = openFaultLedger(file);
  ledger.open(entry('r1/f/0'));
  const complete = `${JSON.stringify({ type: 'open', ...entry('r1/f/1') })}`;
  appendFileSync(file, complete.slice(0, 40)); // the process died inside this write

  const before = ledger.read();
  t.deepEqual(
    before.open.map((e) => e.entry),
    ['r1/f/0'],
    'the torn line is ignored',
  );
  t.is(before.problems.length, 1);
  t.regex(formatLedgerProblem(before.problems[0] as never), new RegExp(`^${file}:2: a torn last line`));

  ledger.open(entry('r1/f/2'));
  t.deepEqual(
    ledger.openEntries().map((e) => e.entry),
    ['r1/f/0', 'r1/f/2'],
    'the entry written after the torn line is not glued onto it',
  );
  t.deepEqual(ledger.problems(), [], 'once sealed, the torn line is not reported again');
  const text = readFileSync(file, 'utf8');
  t.true(text.endsWith('\n'));
  t.regex(text, /\n\{"type":"sealed","line":2,/);
});

test('lines it cannot use are problems with file:line, kept out of the open entries', (t) => {
  const file = freshFile();
  writeFileSync(
    file,
    [
      deadRunOpenLine('r1/f/0', toxic),
      'null',
      '42',
      '["open"]',
      JSON.stringify({ type: 'heartbeat', at: 'now' }),
      deadRunOpenLine('r1/f/1', newerUndo),
      deadRunOpenLine('r1/f/2', { kind: 'toxic', proxy: 'catalog' }),
      '{"type":"open","entry":',
      deadRunOpenLine('r1/f/3', { kind: 'node-cordoned', node: 'n1' }),
      '',
    ].join('\n'),
  );
  const ledger = openFaultLedger(file);
  const { open, problems } = ledger.read();
  t.deepEqual(
    open.map((e) => e.entry),
    ['r1/f/0', 'r1/f/3'],
  );
  t.deepEqual(
    problems.map((p) => [p.line, p.entry]),
    [
      [2, undefined],
      [3, undefined],
      [4, undefined],
      [5, undefined],
      [6, 'r1/f/1'],
      [7, 'r1/f/2'],
      [8, undefined],
    ],
  );
  const text = problems.map(formatLedgerProblem);
  t.is(text[0], `${file}:2: not a ledger entry: null`);
  t.regex(text[3] ?? '', /:5: unknown line type "heartbeat"/);
  t.regex(text[4] ?? '', /:6: open entry r1\/f\/1: unknown undo kind "deployment-scaled" \(known: toxic, /);
  t.regex(text[5] ?? '', /:7: open entry r1\/f\/2: its toxic undo record lacks url, toxic/);
  t.regex(text[6] ?? '', /:8: not JSON: \{"type":"open","entry":/);
});

test('an unknown undo kind closed later (by the newer Faultline that wrote it) is no longer a problem', (t) => {
  const file = freshFile();
  writeFileSync(
    file,
    `${deadRunOpenLine('r1/f/0', { kind: 'deployment-scaled' })}\n${JSON.stringify({ type: 'close', entry: 'r1/f/0', outcome: 'reverted', at: 'x' })}\n`,
  );
  t.deepEqual(openFaultLedger(file).read(), { lines: openFaultLedger(file).lines(), problems: [], open: [] });
});

test('a torn line with an entry glued onto it by an older Faultline: the glued entry is kept', (t) => {
  const file = freshFile();
  writeFileSync(
    file,
    `${deadRunOpenLine('r1/f/0', toxic).slice(0, 50)}${deadRunOpenLine('r1/f/1', toxic)}\n`,
  );
  const { open, problems } = openFaultLedger(file).read();
  t.deepEqual(
    open.map((e) => e.entry),
    ['r1/f/1'],
  );
  t.is(problems.length, 1);
  t.regex(problems[0]?.reason ?? '', /torn line with the next entry glued onto it/);
});

test('recover reports the lines it cannot use and returns at once, reverting nothing', async (t) => {
  const file = freshFile();
  writeFileSync(
    file,
    [
      'null',
      deadRunOpenLine('r1/f/1', { kind: 'deployment-scaled', name: 'checkout' }),
      deadRunOpenLine('r1/f/2', { kind: 'proxy-disabled', url: 7 }),
      '',
    ].join('\n'),
  );
  const touched: string[] = [];
  const context = {
    clock: systemClock,
    toxiproxy: (url: string) => {
      touched.push(`toxiproxy ${url}`);
      throw new Error('nothing may be reverted');
    },
    kubernetes: () => {
      touched.push('kubernetes');
      throw new Error('nothing may be reverted');
    },
  };
  const result = await recoverFaults({
    ledger: openFaultLedger(file),
    context: context as never,
    scope: { toxiproxyUrls: [], nodeCordons: false, cluster: false },
    // Were a bad line taken for an entry, its revert would be retried this long.
    timeoutMs: 60_000,
  });
  t.deepEqual(result.items, []);
  t.deepEqual(touched, []);
  t.deepEqual(
    result.problems.map((p) => [p.line, p.entry]),
    [
      [1, undefined],
      [2, 'r1/f/1'],
      [3, 'r1/f/2'],
    ],
  );
});

test('an unusable ledger path throws an error naming the file and the cause', (t) => {
  const regular = join(directory, 'a-regular-file');
  writeFileSync(regular, 'not a directory');
  const file = join(regular, 'state', 'ledger.jsonl');
  const error = t.throws(() => openFaultLedger(file), { instanceOf: LedgerError });
  t.is(
    error?.message,
    `fault ledger ${file}: cannot create its directory ${join(regular, 'state')}: a part of its path is a file, not a directory (ENOTDIR)`,
  );
  const asDirectory = t.throws(() => openFaultLedger(directory), { instanceOf: LedgerError });
  t.regex(
    asDirectory?.message ?? '',
    new RegExp(`^fault ledger ${directory}: .*it is a directory \\(EISDIR\\)`),
  );
});

test('a device is refused as the ledger before anything is written to it', (t) => {
  const error = t.throws(() => openFaultLedger('/dev/full'), { instanceOf: LedgerError });
  t.is(error?.message, 'fault ledger /dev/full: cannot use it: it is not a regular file');
});

test('an entry opened is on disk with its pid and host, and closing it removes it from the open entries', (t) => {
  const file = freshFile();
  const ledger = openFaultLedger(file, () => Date.parse('2026-03-01T12:00:00Z'));
  const [opened] = ledger.openAll([entry('r1/f/0'), entry('r1/f/1')]);
  t.is((opened as LedgerOpen).pid, process.pid);
  ledger.close('r1/f/0', 'reverted');
  t.deepEqual(
    ledger.openEntries().map((e) => e.entry),
    ['r1/f/1'],
  );
  t.is(readFileSync(file, 'utf8').split('\n').length, 4);
});

// A real short write: a child process under a file size limit (ulimit -f, in KiB blocks) appends
// a line that crosses it; the kernel writes what fits and returns that count.
test('a short write fails the append with a clear error, and the entry is not open', async (t) => {
  const file = freshFile();
  const padding = JSON.stringify({ type: 'close', entry: 'old/f/0', outcome: 'reverted', at: 'x' });
  writeFileSync(file, `${padding}\n`.repeat(Math.floor(1000 / (padding.length + 1))));
  const module = new URL('../../../src/ledger/fault-ledger.ts', import.meta.url).pathname;
  const script = `
    import { openFaultLedger } from ${JSON.stringify(module)};
    const ledger = openFaultLedger(process.argv[1]);
    try {
      ledger.open(${JSON.stringify(entry('r1/f/9'))});
      console.log(JSON.stringify({ appended: true }));
    } catch (error) {
      console.log(JSON.stringify({ error: error.message }));
    }`;
  const result = await runProcess('bash', [
    '-c',
    'ulimit -f 1 && exec "$0" --input-type=module -e "$1" "$2"',
    process.execPath,
    script,
    file,
  ]);
  t.is(result.exitCode, 0, result.stderr);
  const outcome = JSON.parse(result.stdout) as { appended?: boolean; error?: string };
  t.regex(
    outcome.error ?? 'the append reported success',
    new RegExp(
      `^fault ledger ${file}: cannot append the open line of r1/f/9: only \\d+ of \\d+ bytes were written`,
    ),
  );
  const ledger = openFaultLedger(file);
  t.deepEqual(ledger.openEntries(), [], 'a line not all on disk is not an open entry');
  t.regex(ledger.problems()[0]?.reason ?? '', /torn last line/);
  ledger.open(entry('r1/f/10'));
  t.deepEqual(
    ledger.openEntries().map((e) => e.entry),
    ['r1/f/10'],
  );
});
