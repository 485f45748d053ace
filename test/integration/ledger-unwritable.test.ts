// `faultline run` with a fault ledger that cannot take the fault's entry: nothing is injected.
// Needs: Toxiproxy (the sandbox's, with the proxy `catalog`) and the sample shop's storefront.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ExitCode } from '../../src/exit-codes.ts';
import { openFaultLedger } from '../../src/ledger/fault-ledger.ts';
import { deadRunOpenLine, newerUndo } from '../helpers/ledger-lines.ts';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-ledger-run-'));

type Proxies = Record<string, { enabled: boolean; toxics: { name: string }[] }>;
const catalogToxics = async () =>
  ((await (await fetch(`${sandbox.TOXIPROXY_URL}/proxies`)).json()) as Proxies).catalog?.toxics ?? [];

const experiment = join(dir, 'slow-catalog.yaml');
writeFileSync(
  experiment,
  `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: slow-catalog }
spec:
  duration: 3s
  hypothesis:
    probes:
      - name: page
        http: { url: "\${STOREFRONT_URL}/", timeout: 2s }
        expect: { status: 200 }
    during: { every: 500ms, failAfter: 2 }
  faults:
    - name: slow-catalog
      toxiproxy: { url: "\${TOXIPROXY_URL}", proxy: catalog, toxic: latency, attributes: { latency: 800 } }
      start: 0s
`,
);

// Runs faultline under a shell prefix (a ulimit), watching the catalog proxy the whole time.
async function runWatched(ledger: string, prefix = '') {
  const seen = new Set<string>();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      // A run's claim on the proxy (placed before anything is injected) is not a fault.
      for (const toxic of await catalogToxics()) if (!toxic.name.endsWith('.claim')) seen.add(toxic.name);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  const result = await runProcess(
    'bash',
    [
      '-c',
      `${prefix} exec "$0" "$1" run "$2" --report-dir "$3"`,
      process.execPath,
      `${projectRoot}cli/faultline.ts`,
      experiment,
      join(dir, 'reports'),
    ],
    { env: { ...process.env, ...sandbox, FAULTLINE_LEDGER: ledger, NO_COLOR: '1' } },
  );
  watching = false;
  await watch;
  return { ...result, output: result.stdout + result.stderr, toxicsSeen: [...seen] };
}

test.serial(
  'a ledger append cut short by a file size limit fails the injection before it happens',
  async (t) => {
    t.deepEqual(await catalogToxics(), [], 'the catalog proxy starts clean');
    // Filled to 60 bytes below a 1 MiB file size limit: the fault's open line does not fit.
    const ledger = join(dir, 'full-ledger.jsonl');
    const padding = `${JSON.stringify({ type: 'close', entry: 'old/f/0', outcome: 'reverted', at: 'x' })}\n`;
    const limit = 1024 * 1024;
    const lines = Math.floor((limit - 60) / padding.length);
    writeFileSync(ledger, `${padding.repeat(lines)}${' '.repeat(limit - 60 - lines * padding.length - 1)}\n`);
    const result = await runWatched(ledger, 'ulimit -f 1024 &&');
    t.notDeepEqual(result.exitCode, ExitCode.held, result.output);
    t.regex(
      result.output,
      new RegExp(
        `fault ledger ${ledger}: cannot append the open line of \\S+/slow-catalog/0: only \\d+ of \\d+ bytes were written`,
      ),
    );
    t.deepEqual(result.toxicsSeen, [], 'no fault toxic was ever on the catalog proxy');
    const read = openFaultLedger(ledger).read();
    t.deepEqual(read.open, [], 'no entry is open');
    t.regex(read.problems[0]?.reason ?? '', /torn last line/, 'the part written is a torn line');
  },
);

test.serial('a device as the ledger is refused before anything is injected, naming it', async (t) => {
  const result = await runWatched('/dev/full');
  t.notDeepEqual(result.exitCode, ExitCode.held, result.output);
  t.regex(result.output, /fault ledger \/dev\/full: cannot use it: it is not a regular file/);
  t.deepEqual(result.toxicsSeen, []);
});

test.serial('a run says which ledger lines it cannot use, and goes on without retrying them', async (t) => {
  const ledger = join(dir, 'odd-ledger.jsonl');
  writeFileSync(ledger, `null\n${deadRunOpenLine('r9/scale/0', newerUndo)}\n`);
  const result = await runWatched(ledger);
  t.is(result.exitCode, ExitCode.held, result.output);
  t.true(result.output.includes(`ledger: ${ledger}:1: not a ledger entry: null`), result.output);
  t.true(result.output.includes(`ledger: ${ledger}:2: open entry r9/scale/0: unknown undo kind`));
  t.true(result.toxicsSeen.length === 1, 'the run injected its own fault');
  t.deepEqual(await catalogToxics(), [], 'and reverted it');
});
