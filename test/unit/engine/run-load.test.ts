// Load streams in the run, on virtual time: a fake HTTP transport standing in for a storefront whose
// answers depend on the faults in place (an in-memory Toxiproxy), the real load generator and the
// real load probe.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ExchangeResult, LoadTransport } from '../../../src/adapters/http-load-client.ts';
import type { KubernetesAdapter } from '../../../src/adapters/kubernetes.ts';
import { runExperiment } from '../../../src/engine/run-experiment.ts';
import { normalizeExperiment } from '../../../src/experiment/experiment.ts';
import type { ExperimentDocument, LoadStreamSpec, ProbeSpec } from '../../../src/experiment/schema.ts';
import { openFaultLedger } from '../../../src/ledger/fault-ledger.ts';
import { startLoad } from '../../../src/load/start-load.ts';
import { takeSample } from '../../../src/probes/take-sample.ts';
import type { Runtime } from '../../../src/runtime.ts';
import { createMemoryToxiproxy } from '../../helpers/memory-toxiproxy.ts';
import { createVirtualClock } from '../../helpers/virtual-clock.ts';

const toxiproxyUrl = 'http://toxiproxy.test';

type Storefront = (faulted: boolean) => { afterMs: number; result: ExchangeResult } | 'no-answer';

const page = (status: number): ReturnType<Storefront> => ({
  afterMs: 5,
  result: { kind: 'answered', status },
});

// While the catalog has a toxic, `answer` in place of a page in 5 ms.
const underFault =
  (answer: ReturnType<Storefront>): Storefront =>
  (faulted) =>
    faulted ? answer : page(200);

function setup(storefront: Storefront = () => page(200)) {
  const clock = createVirtualClock();
  const toxiproxy = createMemoryToxiproxy(toxiproxyUrl, ['catalog']);
  let sent = 0;
  const transport: LoadTransport = {
    send(exchange, done) {
      sent++;
      // The run's claim on the proxy (a harmless toxic named *.claim) is not a fault.
      const toxics = toxiproxy.proxies.get('catalog')?.toxics ?? [];
      const answer = storefront(toxics.some((toxic) => !toxic.name.endsWith('.claim')));
      if (answer === 'no-answer' || answer.afterMs > exchange.timeoutMs)
        void clock.sleep(exchange.timeoutMs).then(() => done({ kind: 'timeout' }));
      else void clock.sleep(answer.afterMs).then(() => done(answer.result));
    },
    close: async () => {},
  };
  const runtime: Runtime = {
    clock,
    random: () => 0.5,
    ledger: openFaultLedger(join(mkdtempSync(join(tmpdir(), 'faultline-load-')), 'ledger.jsonl'), clock.now),
    toxiproxy: () => toxiproxy,
    kubernetes: () => {
      throw new Error('no kubernetes in this test') as never as KubernetesAdapter;
    },
    sampleProbe: takeSample,
    startLoad: (streams) => startLoad(streams, { clock, connect: () => transport }),
  };
  const run = (spec: Partial<ExperimentDocument['spec']> = {}, signal?: AbortSignal) => {
    const experiment = normalizeExperiment({
      apiVersion: 'faultline.dev/v1alpha1',
      kind: 'Experiment',
      metadata: { name: 'unit-load' },
      spec: {
        duration: '10s',
        load: [shoppers()],
        hypothesis: { probes: [noRequestLost()], during: { every: '1s', failAfter: 1 } },
        faults: [
          {
            name: 'reset-catalog',
            toxiproxy: { url: toxiproxyUrl, proxy: 'catalog', toxic: 'reset_peer' },
            start: '3s',
            duration: '4s',
          },
        ],
        ...spec,
      },
    });
    return runExperiment(
      {
        experiment,
        experimentSource: experiment,
        experimentFile: 'x.yaml',
        runId: '20260101T000000Z-load',
        seed: 1,
        signal,
      },
      runtime,
    );
  };
  return { clock, run, sentCount: () => sent };
}

const shoppers = (extra: Partial<LoadStreamSpec> = {}): LoadStreamSpec => ({
  name: 'shoppers',
  http: { url: 'http://shop.test/', timeout: '2s' },
  expect: { status: 200 },
  rate: '50/s',
  ...extra,
});

const noRequestLost = (expect: ProbeSpec['expect'] = { lostRequests: { equals: 0 } }): ProbeSpec => ({
  name: 'no-request-lost',
  load: { stream: 'shoppers', window: '2s' },
  expect,
});

test('502s under a reset catalog: deviated by the first sample after the first lost request', async (t) => {
  const { run, clock, sentCount } = setup(underFault(page(502)));
  const { journal, verdict } = await run();
  t.is(verdict, 'deviated');
  t.regex(
    journal.reason ?? '',
    /no-request-lost deviated 1 times in a row: lost requests \d+, expected equal to 0/,
  );
  const stream = journal.load?.streams[0];
  const injectedAt = journal.faults[0]?.actions[0]?.injectedAt ?? 0;
  const firstLostAt = stream?.firstLostAt ?? 0;
  t.true(firstLostAt >= injectedAt, 'nothing was lost before the fault');
  const after = journal.samples.filter((s) => s.phase === 'method' && s.at >= firstLostAt);
  t.is(after[0]?.outcome, 'out-of-tolerance', 'the first sample after the loss sees it');
  t.true((after[0]?.at ?? 0) - firstLostAt <= journal.settings.everyMs);
  t.is(journal.firstDeviation?.probe, 'no-request-lost');
  t.true((journal.firstDeviation?.at ?? 0) - (after[0]?.at ?? 0) <= 5, 'the deviation is that sample');
  // The figures per phase and per fault window, and the buckets they came from.
  const before = stream?.phases?.find((p) => p.phase === 'steady-state-before');
  t.true((before?.summary.sent ?? 0) >= 50, 'the warm-up sent its 2 s of load');
  t.is(before?.summary.lost, 0);
  const during = stream?.faultWindows?.find((w) => w.fault === 'reset-catalog');
  t.true((during?.summary.lost ?? 0) > 0);
  t.is(during?.summary.lostBy.wrongStatus, during?.summary.lost);
  const total = stream?.total;
  t.is(
    stream?.buckets?.reduce((n, b) => n + b.sent, 0),
    total?.sent,
  );
  t.is(
    stream?.phases?.reduce((n, p) => n + p.summary.sent, 0),
    total?.sent,
    'the phases add up',
  );
  t.is(total?.inFlight, 0);
  // Nothing is sent once the run has returned.
  const sent = sentCount();
  await clock.sleep(5_000);
  t.is(sentCount(), sent);
  const types = journal.events.map((e) => e.type);
  t.true(types.indexOf('load-started') < types.indexOf('steady-state-met'));
  t.true(types.indexOf('load-stopped') < types.indexOf('verdict'));
});

test('a resilient storefront loses nothing: held, and the whole-run tolerances hold', async (t) => {
  const { run } = setup(() => page(200));
  const { journal, verdict } = await run({
    load: [shoppers({ expect: { status: 200, lostRequests: { equals: 0 }, throughput: { atLeast: 45 } } })],
  });
  t.is(verdict, 'held', journal.reason);
  const stream = journal.load?.streams[0];
  t.is(stream?.total?.lost, 0);
  t.deepEqual(stream?.judgement?.ok, true);
  // About 2 s of warm-up + 10 s of method + the checks after, at 50/s.
  t.true((stream?.total?.sent ?? 0) >= 600, `${stream?.total?.sent} sent`);
  t.true(journal.samples.filter((s) => s.probe === 'no-request-lost').every((s) => s.outcome === 'ok'));
});

test('requests that time out are judged by the first sample after their timeout, though sent 2 s before', async (t) => {
  const { run } = setup(underFault('no-answer'));
  const { journal, verdict } = await run();
  t.is(verdict, 'deviated');
  const firstLostAt = journal.load?.streams[0]?.firstLostAt ?? 0;
  const injectedAt = journal.faults[0]?.actions[0]?.injectedAt ?? 0;
  t.true(firstLostAt >= injectedAt + 2000, 'a timeout is known 2 s after the request went out');
  const after = journal.samples.filter((s) => s.phase === 'method' && s.at >= firstLostAt);
  t.is(after[0]?.outcome, 'out-of-tolerance', after[0]?.detail);
  t.regex(after[0]?.detail ?? '', /timeout/);
});

test('whole-run tolerances judge the run once the stream has stopped: a failure deviates it', async (t) => {
  const { run } = setup(underFault(page(502)));
  const { journal, verdict } = await run({
    load: [shoppers({ expect: { status: 200, lostRequests: { atMost: 10 } } })],
    hypothesis: {
      probes: [noRequestLost({ lostRequests: { atMost: 100_000 } })],
      during: { every: '1s', failAfter: 1 },
    },
  });
  t.is(verdict, 'deviated');
  t.regex(journal.reason ?? '', /^load shoppers over the whole run: lost requests \d+, expected at most 10/);
  t.is(journal.load?.streams[0]?.judgement?.ok, false);
  t.true(journal.events.some((e) => e.type === 'load-deviated'));
});

test('an interrupted run stops its streams: aborted, and nothing is sent afterwards', async (t) => {
  const { run, clock, sentCount } = setup();
  const controller = new AbortController();
  void clock.sleep(6_000).then(() => controller.abort('interrupted by SIGINT'));
  const { journal, verdict } = await run({}, controller.signal);
  t.is(verdict, 'aborted');
  t.truthy(journal.load?.streams[0]?.stoppedAt);
  const sent = sentCount();
  await clock.sleep(5_000);
  t.is(sentCount(), sent);
});

test('a steady state not met under load: not started, and the streams stopped', async (t) => {
  const { run, clock, sentCount } = setup(() => page(502));
  const { journal, verdict } = await run({
    faults: [
      {
        name: 'reset-catalog',
        toxiproxy: { url: toxiproxyUrl, proxy: 'catalog', toxic: 'reset_peer' },
        start: '0s',
      },
    ],
    load: [shoppers({ http: { url: 'http://shop.test/', timeout: '2s' }, expect: { status: 204 } })],
  });
  t.is(verdict, 'not-started');
  t.regex(journal.reason ?? '', /steady state not met: no-request-lost/);
  t.is(journal.faults.length, 0, 'nothing injected');
  t.true((journal.load?.streams[0]?.total?.lost ?? 0) > 0);
  const sent = sentCount();
  await clock.sleep(5_000);
  t.is(sentCount(), sent);
});

test('a generator that sends under half of what is due turns a held run into an error', async (t) => {
  // One request in flight at most, each answered in 100 ms: about 10 of the 50 due per second go out.
  const { run } = setup(() => ({ afterMs: 100, result: { kind: 'answered', status: 200 } }));
  const { journal, verdict } = await run({ load: [shoppers({ maxInFlight: 1 })] });
  t.is(verdict, 'error');
  t.regex(journal.reason ?? '', /load shoppers: the generator sent \d+ of the \d+ requests due \(\d+ %\)/);
  t.true(journal.events.some((e) => e.type === 'load-shortfall'));
  t.is(journal.load?.streams[0]?.total?.lost, 0, 'the generator’s drops are never lost requests');
});
