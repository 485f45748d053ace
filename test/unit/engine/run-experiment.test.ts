// The run contract on virtual time: an in-memory Toxiproxy, scripted probe samples, a manual clock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { KubernetesAdapter } from '../../../src/adapters/kubernetes.ts';
import type { Clock } from '../../../src/clock.ts';
import { runExperiment, UnexpectedRunError } from '../../../src/engine/run-experiment.ts';
import { exitCodeFor } from '../../../src/engine/verdict.ts';
import { ExitCode } from '../../../src/exit-codes.ts';
import { type Experiment, normalizeExperiment } from '../../../src/experiment/experiment.ts';
import type {
  ExperimentDocument,
  FaultDocument as FaultSpec,
  ProbeSpec,
} from '../../../src/experiment/schema.ts';
import type { SampleOutcome } from '../../../src/hypothesis/sample.ts';
import { openFaultLedger } from '../../../src/ledger/fault-ledger.ts';
import type { ProbeContext } from '../../../src/probes/probe-context.ts';
import type { Runtime } from '../../../src/runtime.ts';
import {
  latencyExperimentDocument,
  latencyFault,
  memoryToxiproxyUrl,
} from '../../helpers/latency-experiment.ts';
import { createMemoryToxiproxy } from '../../helpers/memory-toxiproxy.ts';
import { createVirtualClock } from '../../helpers/virtual-clock.ts';

const url = memoryToxiproxyUrl;
const latency = latencyFault;
const experiment = (overrides: Partial<ExperimentDocument['spec']> = {}): Experiment =>
  normalizeExperiment(latencyExperimentDocument(overrides));

// `script(probe, elapsedMs)` decides each sample's outcome.
function setup(script: (probe: string, elapsedMs: number) => SampleOutcome = () => 'ok') {
  const clock = createVirtualClock();
  const toxiproxy = createMemoryToxiproxy(url, ['catalog']);
  const ledger = openFaultLedger(
    join(mkdtempSync(join(tmpdir(), 'faultline-unit-')), 'ledger.jsonl'),
    clock.now,
  );
  const runtime: Runtime = {
    clock,
    random: () => 0.5,
    ledger,
    toxiproxy: () => toxiproxy,
    kubernetes: () => {
      throw new Error('no kubernetes in this test') as never as KubernetesAdapter;
    },
    sampleProbe: async (probe) => {
      const outcome = script(probe.name, clock.elapsed());
      return { probe: probe.name, at: clock.now(), outcome, detail: outcome, durationMs: 0, attempts: 1 };
    },
  };
  const run = (
    spec?: Partial<ExperimentDocument['spec']>,
    signal?: AbortSignal,
    revertTimeoutMs?: number,
  ) => {
    const e = experiment(spec);
    return runExperiment(
      {
        experiment: e,
        experimentSource: e,
        experimentFile: 'x.yaml',
        runId: '20260101T000000Z-abcd',
        seed: 1,
        signal,
        revertTimeoutMs,
      },
      runtime,
    );
  };
  return { clock, toxiproxy, ledger, run, runtime };
}

const eventTimes = (journal: { startedAt: number; events: { at: number; type: string }[] }, type: string) =>
  journal.events.filter((e) => e.type === type).map((e) => e.at - journal.startedAt);

test('a held run injects at start, reverts after its duration, samples every interval', async (t) => {
  const { run, toxiproxy, ledger } = setup();
  const { journal, verdict, revertFailed } = await run();
  t.is(verdict, 'held');
  t.false(revertFailed);
  t.deepEqual(eventTimes(journal, 'injected'), [5_000]);
  t.deepEqual(eventTimes(journal, 'reverted'), [35_000]);
  const during = journal.samples.filter((s) => s.phase === 'method');
  t.is(during.length, 29, 'every 2 s from 2 s to 58 s');
  t.is(journal.samples.filter((s) => s.phase === 'steady-state-after').length, 1);
  t.deepEqual(toxiproxy.proxies.get('catalog')?.toxics, []);
  t.deepEqual(ledger.openEntries(), []);
});

test('failAfter 2: one failed sample is tolerated, two in a row deviate and stop the run', async (t) => {
  const single = setup((_, ms) => (ms === 10_000 ? 'out-of-tolerance' : 'ok'));
  t.is((await single.run()).verdict, 'held');
  const twice = setup((_, ms) => (ms >= 10_000 && ms < 20_000 ? 'timeout' : 'ok'));
  const { journal, verdict } = await twice.run();
  t.is(verdict, 'deviated');
  t.regex(journal.reason ?? '', /page deviated 2 times in a row/);
  t.deepEqual(eventTimes(journal, 'reverted'), [12_000], 'reverted at once, not at the fault end');
  t.is(journal.firstDeviation?.at && journal.firstDeviation.at - journal.startedAt, 10_000);
  t.is(exitCodeFor(verdict, false), ExitCode.deviated);
});

test('steady state not met before: nothing injected, nothing in the ledger', async (t) => {
  const { run, toxiproxy, ledger } = setup((_, ms) => (ms === 0 ? 'unreachable' : 'ok'));
  const { journal, verdict } = await run();
  t.is(verdict, 'not-started');
  t.regex(journal.reason ?? '', /steady state not met: page \(unreachable/);
  t.deepEqual(
    toxiproxy.calls.filter((c) => c.startsWith('add')).map((c) => /\.claim/.test(c)),
    [true],
    "only the run's claim on the proxy, no fault",
  );
  t.deepEqual(toxiproxy.proxies.get('catalog')?.toxics, [], 'the claim is removed');
  t.deepEqual(ledger.lines(), []);
  t.is(exitCodeFor(verdict, false), ExitCode.notStarted);
});

test('an abort condition stops the run and reverts', async (t) => {
  const { run, toxiproxy } = setup((probe, ms) =>
    probe === 'site-down' && ms >= 8_000 ? 'unreachable' : 'ok',
  );
  const { journal, verdict } = await run({
    abortWhen: [{ name: 'site-down', http: { url: 'http://shop.test/healthz' }, expect: { status: 200 } }],
  });
  t.is(verdict, 'aborted');
  t.regex(journal.reason ?? '', /abort condition site-down/);
  t.deepEqual(eventTimes(journal, 'reverted'), [8_000]);
  t.deepEqual(toxiproxy.proxies.get('catalog')?.toxics, []);
});

test('an external abort (a signal) reverts and skips the steady state after', async (t) => {
  const controller = new AbortController();
  const { run, clock } = setup((_, ms) => {
    if (ms >= 20_000) controller.abort('interrupted by SIGINT');
    return 'ok';
  });
  const { journal, verdict } = await run(undefined, controller.signal);
  t.is(verdict, 'aborted');
  t.is(journal.reason, 'interrupted by SIGINT');
  t.deepEqual(eventTimes(journal, 'reverted'), [20_000]);
  t.false(journal.samples.some((s) => s.phase === 'steady-state-after'));
  t.true(clock.elapsed() < 21_000);
});

test('a revert that fails is retried with backoff until Toxiproxy answers again', async (t) => {
  const { run, toxiproxy, ledger, clock } = setup();
  toxiproxy.outage = () => clock.elapsed() >= 30_000 && clock.elapsed() < 37_000;
  {
    const { journal, verdict, revertFailed } = await run();
    t.is(verdict, 'held');
    t.false(revertFailed);
    const retries = eventTimes(journal, 'revert-retry');
    t.true(retries.length >= 3, `retried ${retries.length} times`);
    t.deepEqual(
      retries.slice(0, 4).map((r, i, all) => (i === 0 ? r - 35_000 : r - (all[i - 1] ?? 0))),
      [0, 250, 500, 1000],
      'backoff doubles from 250 ms',
    );
    t.deepEqual(ledger.openEntries(), []);
    t.true((eventTimes(journal, 'reverted')[0] ?? 0) >= 37_000, 'closed only once Toxiproxy answered');
  }
});

test('a revert that never succeeds: exit 5, and the journal says exactly what is left', async (t) => {
  const { run, toxiproxy, ledger } = setup((_, ms) => {
    if (ms >= 30_000) toxiproxy.down = true;
    return 'ok';
  });
  const { journal, verdict, revertFailed } = await run(undefined, undefined, 10_000);
  t.true(revertFailed);
  t.is(exitCodeFor(verdict, revertFailed), ExitCode.revertFailed);
  t.is(journal.ledger.leftBehind.length, 1);
  t.regex(
    journal.ledger.leftBehind[0]?.description ?? '',
    /toxic faultline-20260101T000000Z-abcd-d\d+-slow-catalog on proxy catalog/,
  );
  t.is(ledger.openEntries().length, 1, 'the ledger entry stays open for faultline recover');
});

test('a fault whose proxy is missing is found before anything is injected: verdict error', async (t) => {
  const { run, toxiproxy, ledger } = setup();
  const missing: FaultSpec = { name: 'ghost', partition: { url, proxy: 'no-such-proxy' }, start: '10s' };
  const { journal, verdict } = await run({ faults: [latency, missing] });
  t.is(verdict, 'error');
  t.regex(journal.reason ?? '', /could not pick the targets: .*no-such-proxy does not exist/);
  t.false(
    toxiproxy.calls.some((c) => c.startsWith('add')),
    'not even a claim: the plan failed first',
  );
  t.deepEqual(ledger.lines(), []);
  t.is(exitCodeFor(verdict, false), ExitCode.environmentError);
});

test('an injection that fails ends the run with an error, and what was injected is reverted', async (t) => {
  const { run, toxiproxy, clock } = setup((_, ms) => {
    if (ms >= 8_000) toxiproxy.proxies.delete('other'); // gone between the plan and its start
    return 'ok';
  });
  toxiproxy.proxies.set('other', { name: 'other', listen: 'l2', upstream: 'u2', enabled: true, toxics: [] });
  const later: FaultSpec = { name: 'ghost', partition: { url, proxy: 'other' }, start: '10s' };
  const { journal, verdict } = await run({ faults: [latency, later] });
  t.is(verdict, 'error');
  t.regex(journal.reason ?? '', /could not inject ghost: .*other does not exist/);
  t.deepEqual(toxiproxy.proxies.get('catalog')?.toxics, []);
  t.deepEqual(eventTimes(journal, 'reverted'), [10_000], 'the latency, reverted at once');
  t.true(clock.elapsed() < 11_000);
});

test('a probe as a method step is sampled once at its offset and recorded, without deciding the verdict', async (t) => {
  const { run } = setup((probe) => (probe === 'look-at-cache' ? 'out-of-tolerance' : 'ok'));
  const { journal, verdict } = await run({
    steps: [{ name: 'look-at-cache', at: '15s', command: { run: ['true'] }, expect: { exitCode: 0 } }],
  });
  t.is(verdict, 'held');
  const stepSamples = journal.samples.filter((s) => s.role === 'step');
  t.deepEqual(
    stepSamples.map((s) => [s.probe, s.at - journal.startedAt, s.outcome]),
    [['look-at-cache', 15_000, 'out-of-tolerance']],
  );
  t.deepEqual(eventTimes(journal, 'step'), [15_000]);
});

// A probe that takes `ms` of (virtual) time to answer, and is cut short when its signal aborts.
function slowSample(clock: Clock, ms: number, outcome: SampleOutcome = 'ok') {
  return async (probe: ProbeSpec, context: ProbeContext) => {
    const at = clock.now();
    await clock.sleep(ms, context.signal);
    return { probe: probe.name, at, outcome, detail: outcome, durationMs: clock.now() - at, attempts: 1 };
  };
}

// Defect: injection, timed reverts, steps and sampling ran one after another in one loop, so a
// burst probe of 20 s delayed a revert due now by 20 s, and an abort condition was acted on late.
test('a timed revert never waits behind a slow probe', async (t) => {
  const { runtime, toxiproxy } = setup();
  runtime.sampleProbe = slowSample(runtime.clock, 20_000);
  const e = experiment({ duration: '60s' });
  const { journal, verdict } = await runExperiment(
    { experiment: e, experimentSource: e, experimentFile: 'x.yaml', runId: '20260101T000000Z-abcd', seed: 1 },
    runtime,
  );
  t.is(verdict, 'held');
  const method = journal.methodStartedAt ?? 0;
  const reverted = journal.events.find((event) => event.type === 'reverted');
  t.is((reverted?.at ?? 0) - method, 35_000, 'reverted at 5 s + 30 s, while a 20 s sample was running');
  t.deepEqual(toxiproxy.proxies.get('catalog')?.toxics, []);
});

test('an abort condition is acted on while a slow hypothesis probe is still sampling', async (t) => {
  const { runtime, clock } = setup();
  const slow = slowSample(runtime.clock, 20_000);
  const instant = (probe: ProbeSpec, outcome: SampleOutcome) => ({
    probe: probe.name,
    at: clock.now(),
    outcome,
    detail: outcome,
    durationMs: 0,
    attempts: 1,
  });
  runtime.sampleProbe = async (probe, context) => {
    if (probe.name === 'site-down') return instant(probe, clock.elapsed() >= 8_000 ? 'unreachable' : 'ok');
    return clock.elapsed() === 0 ? instant(probe, 'ok') : slow(probe, context); // slow during the method
  };
  const e = experiment({
    abortWhen: [{ name: 'site-down', http: { url: 'http://shop.test/healthz' }, expect: { status: 200 } }],
  });
  const { journal, verdict } = await runExperiment(
    { experiment: e, experimentSource: e, experimentFile: 'x.yaml', runId: '20260101T000000Z-abcd', seed: 1 },
    runtime,
  );
  t.is(verdict, 'aborted');
  t.deepEqual(eventTimes(journal, 'abort-condition'), [8_000], 'not after the 20 s hypothesis sample');
  t.deepEqual(eventTimes(journal, 'reverted'), [8_000], 'reverted at once');
});

// Defect: a ledger whose close throws during a revert made Promise.all reject, abandoning the
// other reverts with no "could not revert" message.
test('a ledger that cannot record a close never stops the other reverts', async (t) => {
  const { runtime, toxiproxy } = setup();
  toxiproxy.proxies.set('other', { name: 'other', listen: 'l2', upstream: 'u2', enabled: true, toxics: [] });
  const ledger = runtime.ledger;
  runtime.ledger = {
    ...ledger,
    close() {
      throw new Error('ENOSPC: no space left on device, write');
    },
  };
  const second: FaultSpec = {
    ...latency,
    name: 'slow-other',
    toxiproxy: { url, proxy: 'other', toxic: 'latency' },
  };
  const e = experiment({ faults: [latency, second] });
  const outcome = await runExperiment(
    { experiment: e, experimentSource: e, experimentFile: 'x.yaml', runId: '20260101T000000Z-abcd', seed: 1 },
    runtime,
  );
  t.is(outcome.verdict, 'held');
  t.false(outcome.revertFailed, 'both faults confirmed gone');
  t.deepEqual(toxiproxy.proxies.get('catalog')?.toxics, []);
  t.deepEqual(toxiproxy.proxies.get('other')?.toxics, []);
  t.is(outcome.journal.ledger.unclosed?.length, 2);
  t.is(outcome.journal.events.filter((event) => event.type === 'ledger-close-failed').length, 2);
});

// Defect: rollbacks were sampled with the run's signal, already aborted after Ctrl-C, so a rollback
// that takes a while never completed, and its outcome was neither journaled nor in the exit code.
test('rollbacks run to the end after an interrupt, and a failed one is in the exit code', async (t) => {
  const controller = new AbortController();
  const { runtime, clock } = setup();
  runtime.sampleProbe = async (probe, context) => {
    const at = clock.now();
    if (probe.name === 'page' && clock.elapsed() >= 10_000) controller.abort('interrupted by SIGINT');
    if (probe.name.startsWith('restore')) {
      await clock.sleep(1_000, context.signal); // a rollback that takes 1 s
      if (context.signal?.aborted)
        return { probe: probe.name, at, outcome: 'error', detail: 'cut short', durationMs: 0, attempts: 1 };
    }
    const outcome = probe.name === 'restore-fails' ? 'error' : 'ok';
    return { probe: probe.name, at, outcome, detail: outcome, durationMs: clock.now() - at, attempts: 1 };
  };
  const rollback = (name: string) => ({ name, command: { run: ['true'] }, expect: { exitCode: 0 } });
  const e = experiment({ rollbacks: [rollback('restore-cache'), rollback('restore-fails')] });
  const outcome = await runExperiment(
    {
      experiment: e,
      experimentSource: e,
      experimentFile: 'x.yaml',
      runId: '20260101T000000Z-abcd',
      seed: 1,
      signal: controller.signal,
    },
    runtime,
  );
  t.is(outcome.verdict, 'aborted');
  const rollbacks = outcome.journal.samples.filter((s) => s.role === 'rollback');
  t.deepEqual(
    rollbacks.map((s) => [s.probe, s.outcome, s.durationMs]),
    [
      ['restore-cache', 'ok', 1_000],
      ['restore-fails', 'error', 1_000],
    ],
  );
  t.deepEqual(
    outcome.journal.events.filter((ev) => ev.type.startsWith('rollback-')).map((ev) => ev.type),
    ['rollback-succeeded', 'rollback-failed'],
  );
  t.true(outcome.rollbackFailed);
  t.deepEqual(
    outcome.journal.failedRollbacks?.map((r) => r.probe),
    ['restore-fails'],
  );
  t.is(exitCodeFor(outcome.verdict, outcome.revertFailed, outcome.rollbackFailed), ExitCode.revertFailed);
});

test('an unexpected error in the method still reverts everything, then is thrown, never a verdict', async (t) => {
  const { runtime, toxiproxy, clock } = setup();
  const sample = runtime.sampleProbe;
  runtime.sampleProbe = async (probe, context) => {
    if (clock.elapsed() >= 10_000) throw new TypeError('a bug in a probe');
    return sample(probe, context);
  };
  const e = experiment();
  const error = await t.throwsAsync(
    runExperiment(
      {
        experiment: e,
        experimentSource: e,
        experimentFile: 'x.yaml',
        runId: '20260101T000000Z-abcd',
        seed: 1,
      },
      runtime,
    ),
    { instanceOf: UnexpectedRunError, message: /a bug in a probe/ },
  );
  t.deepEqual(toxiproxy.proxies.get('catalog')?.toxics, []);
  t.is((error as UnexpectedRunError).journal.verdict, undefined);
});
