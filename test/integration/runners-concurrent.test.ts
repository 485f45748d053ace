// Two runs at once on one Toxiproxy and one cluster, each with its own ledger file, as two users or a
// user and CI would run them: neither ever reverts the other's faults (a latency toxic, a partition,
// the cordon of a kwok node), and `recover` and `status` with a third ledger list both live runs and
// touch nothing.
// Needs: the sandbox's Toxiproxy (proxies made here, in front of the catalog), kube-apiserver + kwok
// (two nodes made here, labelled faultline.dev/runners-test, nothing scheduled on them).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import type { RunnersStatus } from '../../cli/status-text.ts';
import type { Journal } from '../../src/engine/journal.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { type FaultlineProcess, runFaultline, startFaultline } from '../helpers/faultline-process.ts';
import {
  cordonOf,
  createNode,
  createProxy,
  deleteNode,
  deleteProxy,
  faultToxics,
  holdingExperiment,
  isCordoned,
  latencyOn,
  partitionOf,
  readProxy,
  runIdOf,
} from '../helpers/runners-sandbox.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-runners-'));
const who = ['a', 'b'] as const;
const slowProxy = (w: string) => `runners-${w}-slow`;
const cutProxy = (w: string) => `runners-${w}-cut`;
const node = (w: string) => `faultline-runners-${w}`;
const envWith = (ledger: string): NodeJS.ProcessEnv => ({
  ...process.env,
  ...sandbox,
  FAULTLINE_LEDGER: join(dir, ledger),
  NO_COLOR: '1',
});

test.before(async () => {
  for (const w of who) {
    await createProxy(slowProxy(w));
    await createProxy(cutProxy(w));
    await createNode(node(w), w);
  }
});

test.after.always(async () => {
  for (const w of who) {
    await deleteProxy(slowProxy(w));
    await deleteProxy(cutProxy(w));
    await deleteNode(node(w));
  }
});

// Whether all three faults of a run are in place.
async function inPlace(w: string) {
  const [toxics, cut, cordoned] = await Promise.all([
    faultToxics(slowProxy(w)),
    readProxy(cutProxy(w)),
    isCordoned(node(w)),
  ]);
  return { toxic: toxics.length === 1, partition: !cut.enabled, cordon: cordoned };
}
const allInPlace = async (w: string) => Object.values(await inPlace(w)).every(Boolean);

function startRun(w: string): FaultlineProcess {
  const file = join(dir, `${w}.yaml`);
  writeFileSync(
    file,
    holdingExperiment(`runner-${w}`, '150s', [
      latencyOn(slowProxy(w)),
      partitionOf(cutProxy(w)),
      cordonOf(w),
    ]),
  );
  return startFaultline(['run', file, '--report-dir', join(dir, 'reports')], envWith(`ledger-${w}.jsonl`));
}

const injectedAll = (run: FaultlineProcess) =>
  Promise.all(
    ['slow', 'cut', 'cordon'].map((fault) => run.waitForOutput(new RegExp(`injected: ${fault}: `), 90_000)),
  );

test.serial(
  "two runs with their own ledgers: neither reverts the other's toxic, partition or cordon; recover and status with a third ledger list both and touch nothing",
  async (t) => {
    t.timeout(240_000);
    const a = startRun('a');
    t.teardown(() => a.child.kill('SIGKILL'));
    await injectedAll(a);
    t.true(await allInPlace('a'));

    // From now on, watch: a run's faults may go only once that run itself is reverting.
    const violations: string[] = [];
    const runs = { a, b: undefined as FaultlineProcess | undefined };
    let watching = true;
    t.teardown(() => {
      watching = false;
    });
    const watcher = (async () => {
      while (watching) {
        for (const w of who) {
          const run = runs[w];
          if (!run || !/injected: cordon/.test(run.stderr()) || /\[revert\]/.test(run.stderr())) continue;
          const state = await inPlace(w).catch(() => undefined);
          if (!state) continue;
          const gone = Object.entries(state).filter(([, here]) => !here);
          if (gone.length > 0 && !/\[revert\]/.test(run.stderr()))
            violations.push(`${new Date().toISOString()} run ${w} lost ${gone.map(([k]) => k).join(', ')}`);
        }
        await sleep(200);
      }
    })();

    // B starts while A holds its faults: its own recovery must leave A's alone.
    const b = startRun('b');
    t.log(`run a: ${runIdOf(a.stderr())}`);
    runs.b = b;
    t.teardown(() => b.child.kill('SIGKILL'));
    await injectedAll(b);
    const [aId, bId] = [runIdOf(a.stderr()), runIdOf(b.stderr())];
    t.true(await allInPlace('a'), "B's start left A's faults in place");
    t.true(await allInPlace('b'));

    // A third runner, with a ledger of its own: status lists both live runs, recover touches nothing.
    const third = envWith('ledger-c.jsonl');
    const status = await runFaultline(['status', '--output', 'json'], third);
    t.is(status.exitCode, ExitCode.ok, status.stderr);
    const seen = JSON.parse(status.stdout) as RunnersStatus;
    for (const [w, runId] of [
      ['a', aId],
      ['b', bId],
    ] as const) {
      const live = seen.live.find((run) => run.runId === runId);
      t.truthy(live, `status lists the live run ${w}`);
      t.is(live?.experiment, `runner-${w}`);
      t.deepEqual(live?.seenIn, ['cluster', 'toxiproxy']);
      t.is(live?.faults.length, 3, JSON.stringify(live?.faults));
      t.true(live?.faults.some((f) => f.startsWith(`cordon: node ${node(w)} cordoned`)));
    }
    t.deepEqual(seen.orphans, []);

    const recovered = await runFaultline(['recover'], third);
    t.is(recovered.exitCode, ExitCode.ok, recovered.stderr + recovered.stdout);
    t.regex(recovered.stdout, new RegExp(`left alone: the live run ${aId} \\(its Lease is being renewed\\)`));
    t.regex(recovered.stdout, new RegExp(`left alone: the live run ${bId} \\(its Lease is being renewed\\)`));
    t.regex(recovered.stdout, new RegExp(`live +node ${node('a')} cordoned .* of run ${aId}`));
    t.regex(recovered.stdout, /nothing to recover/);
    t.notRegex(recovered.stdout, /^reverted/m);
    t.true(await allInPlace('a'), 'recover left A alone');
    t.true(await allInPlace('b'), 'recover left B alone');
    t.log(recovered.stdout);

    t.is(a.child.exitCode, null, 'A was still running all along');
    t.is(b.child.exitCode, null, 'B was still running all along');

    // A is stopped first (Ctrl-C): its revert takes back its own faults only.
    a.child.kill('SIGINT');
    const aDone = await a.exited;
    t.is(aDone.exitCode, ExitCode.aborted, a.stderr() + a.stdout());
    t.true(await allInPlace('b'), "A's end left B's faults in place");
    t.deepEqual(await inPlace('a'), { toxic: false, partition: false, cordon: false });
    b.child.kill('SIGINT');
    const bDone = await b.exited;
    t.is(bDone.exitCode, ExitCode.aborted, b.stderr() + b.stdout());
    watching = false;
    await watcher;
    t.deepEqual(violations, [], 'no fault went before its own run reverted it');
    t.deepEqual(await inPlace('b'), { toxic: false, partition: false, cordon: false });

    // Neither journal records recovering anything of the other run: each reverted its own faults only.
    for (const [run, other] of [
      [a, bId],
      [b, aId],
    ] as const) {
      const file = /journal: (\S+)/.exec(run.stdout())?.[1] ?? '';
      const journal = JSON.parse(readFileSync(file, 'utf8')) as Journal;
      const recoveredOther = journal.events.filter(
        (e) => (e.type === 'recovered' || e.type === 'recover-failed') && e.message.includes(other),
      );
      t.deepEqual(recoveredOther, []);
      t.is(journal.faults.flatMap((f) => f.actions).length, 3);
    }
  },
);
