// No overlapping blast radius: a run whose targets a live run already holds is not-started, naming
// that run, and injects nothing; with --wait-clear it waits for the live run to end, then runs; with a
// wait shorter than the live run, it gives up naming it.
// Needs: the sandbox's Toxiproxy (a proxy made here, in front of the catalog). The runs have no
// Kubernetes fault, so they see each other by their claims on the proxy, not by Leases.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { Journal } from '../../src/engine/journal.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { runFaultline, startFaultline } from '../helpers/faultline-process.ts';
import {
  createProxy,
  deleteProxy,
  faultToxics,
  holdingExperiment,
  latencyOn,
  runIdOf,
} from '../helpers/runners-sandbox.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-overlap-'));
const proxy = 'runners-overlap';
let ledgers = 0;
const freshEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  ...sandbox,
  FAULTLINE_LEDGER: join(dir, `ledger-${++ledgers}.jsonl`),
  NO_COLOR: '1',
});

test.before(() => createProxy(proxy));
test.after.always(() => deleteProxy(proxy));

const readJournal = (stdout: string) =>
  JSON.parse(readFileSync(/journal: (\S+)/.exec(stdout)?.[1] ?? '', 'utf8')) as Journal;

function writeExperiment(name: string, duration: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, holdingExperiment(name, duration, [latencyOn(proxy)]));
  return file;
}

test.serial(
  'a second run on the same proxy is not-started naming the live run; --wait-clear waits for it to end, then runs',
  async (t) => {
    t.timeout(240_000);
    const reports = join(dir, 'reports');
    const first = startFaultline(
      ['run', writeExperiment('overlap-first', '45s'), '--report-dir', reports],
      freshEnv(),
    );
    t.teardown(() => first.child.kill('SIGKILL'));
    await first.waitForOutput(/injected: slow: /, 90_000);
    const firstId = runIdOf(first.stderr());
    const [held] = await faultToxics(proxy);

    // Refused at once, naming the other run and the shared target; nothing injected.
    const second = await runFaultline(
      ['run', writeExperiment('overlap-second', '5s'), '--report-dir', reports],
      freshEnv(),
    );
    t.is(second.exitCode, ExitCode.notStarted, second.stderr + second.stdout);
    t.regex(
      second.stdout,
      new RegExp(
        `^verdict: not-started — overlaps the live run ${firstId} \\(overlap-first\\): both target proxy ${proxy} at ${sandbox.TOXIPROXY_URL}$`,
        'm',
      ),
    );
    t.deepEqual(
      readJournal(second.stdout).faults.flatMap((f) => f.actions),
      [],
      'the refused run injected nothing',
    );
    t.deepEqual(await faultToxics(proxy), [held], "the first run's toxic is untouched");
    t.is(first.child.exitCode, null, 'the first run was live all along');

    // A wait shorter than the live run: it gives up, naming it.
    const impatient = await runFaultline(
      ['run', writeExperiment('overlap-impatient', '5s'), '--report-dir', reports, '--wait-clear', '2s'],
      freshEnv(),
    );
    t.is(impatient.exitCode, ExitCode.notStarted, impatient.stderr + impatient.stdout);
    t.regex(impatient.stderr, /waiting until it is clear \(--wait-clear\)/);
    t.regex(impatient.stdout, new RegExp(`verdict: not-started — overlaps the live run ${firstId} `));
    t.is(first.child.exitCode, null, 'the first run was still live when the wait gave up');

    // A wait long enough: it starts once the first run has ended, and holds.
    const patient = await runFaultline(
      ['run', writeExperiment('overlap-patient', '3s'), '--report-dir', reports, '--wait-clear', '3m'],
      freshEnv(),
    );
    t.is(patient.exitCode, ExitCode.held, patient.stderr + patient.stdout);
    t.regex(patient.stderr, new RegExp(`overlaps the live run ${firstId} .*; waiting until it is clear`));
    t.is((await first.exited).exitCode, ExitCode.held, first.stderr() + first.stdout());
    const firstActions = readJournal(first.stdout()).faults.flatMap((f) => f.actions);
    const patientActions = readJournal(patient.stdout).faults.flatMap((f) => f.actions);
    t.is(patientActions.length, 1);
    const firstReverted = firstActions[0]?.revertedAt ?? Number.POSITIVE_INFINITY;
    const patientInjected = patientActions[0]?.injectedAt ?? 0;
    t.true(patientInjected > firstReverted, 'the waiting run injected only after the first had reverted');
    t.log(`the waiting run injected ${patientInjected - firstReverted} ms after the first run's revert`);
    t.deepEqual(await faultToxics(proxy), [], 'nothing left on the proxy');
  },
);
