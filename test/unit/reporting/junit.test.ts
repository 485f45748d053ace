// junit.xml parses as XML, and its counts match the journal: one test case per hypothesis probe and
// one per injected fault action's revert; failures carry the reason.
import test, { type ExecutionContext } from 'ava';
import type { Journal } from '../../../src/engine/journal.ts';
import { renderJunit } from '../../../src/reporting/junit.ts';
import { buildJournal, latency, loadFixture } from './journal-builder.ts';
import { findAll, parseXml, type XmlElement } from './xml-check.ts';

type Expected = { tests: number; failures: number; errors: number; skipped: number };

// Counts straight from the journal, independently of the renderer.
function expectedFromJournal(journal: Journal): Expected {
  const hypothesis = journal.probes.filter((p) => p.role === 'hypothesis');
  const injected = journal.faults.flatMap((f) => f.actions.filter((a) => a.injectedAt !== undefined));
  const failedProbes = hypothesis.filter((p) =>
    journal.events.some((e) => e.probe === p.name && e.type === 'probe-failed' && e.phase !== 'method'),
  ).length;
  const deviatedInMethod = hypothesis.filter((p) => {
    let run = 0;
    for (const s of journal.samples.filter((x) => x.probe === p.name && x.phase === 'method')) {
      run = s.outcome === 'ok' ? 0 : run + 1;
      if (run >= journal.settings.failAfter) return true;
    }
    return false;
  }).length;
  const failedReverts = injected.filter((a) => a.revert !== 'reverted' && a.revert !== 'already-gone').length;
  const probeFailures = failedProbes + deviatedInMethod;
  const unfinished = journal.verdict === 'aborted' || journal.verdict === 'error';
  return {
    tests: hypothesis.length + injected.length,
    failures: probeFailures + failedReverts,
    errors: unfinished ? hypothesis.length - probeFailures : 0,
    skipped: journal.verdict === 'not-started' ? hypothesis.length - probeFailures : 0,
  };
}

function check(t: ExecutionContext, journal: Journal, expected: Expected): XmlElement {
  const xml = renderJunit(journal);
  const root = parseXml(xml);
  t.is(root.name, 'testsuites');
  const suites = findAll(root, 'testsuite');
  t.is(suites.length, 1);
  const suite = suites[0] as XmlElement;
  t.deepEqual(expectedFromJournal(journal), expected, 'the journal itself');
  const counted = {
    tests: findAll(suite, 'testcase').length,
    failures: findAll(suite, 'failure').length,
    errors: findAll(suite, 'error').length,
    skipped: findAll(suite, 'skipped').length,
  };
  t.deepEqual(counted, expected, 'elements in the file');
  for (const element of [root, suite]) {
    t.deepEqual(
      {
        tests: Number(element.attributes.tests),
        failures: Number(element.attributes.failures),
        errors: Number(element.attributes.errors),
        skipped: Number(element.attributes.skipped),
      },
      expected,
      `the counts on <${element.name}>`,
    );
  }
  for (const failure of [
    ...findAll(suite, 'failure'),
    ...findAll(suite, 'error'),
    ...findAll(suite, 'skipped'),
  ]) {
    t.true((failure.attributes.message ?? '').length > 10, 'every failure says why');
  }
  return suite;
}

test('held (a real run): every probe and revert passes', (t) => {
  const suite = check(t, loadFixture('held-catalog-partition'), {
    tests: 3,
    failures: 0,
    errors: 0,
    skipped: 0,
  });
  t.deepEqual(
    findAll(suite, 'testcase').map((c) => c.attributes.name),
    ['storefront-answers', 'storefront-loses-no-request', 'revert cut-off-catalog on catalog (disabled)'],
  );
  t.is(findAll(suite, 'property').find((p) => p.attributes.name === 'verdict')?.attributes.value, 'held');
});

test('deviated (a real run): the deviated probe fails with the measured value and the tolerance', (t) => {
  const suite = check(t, loadFixture('deviated-fragile-latency'), {
    tests: 3,
    failures: 1,
    errors: 0,
    skipped: 0,
  });
  const failed = findAll(suite, 'testcase').find((c) => findAll(c, 'failure').length > 0);
  t.is(failed?.attributes.name, 'fragile-answers');
  const failure = findAll(failed as XmlElement, 'failure')[0];
  t.is(failure?.attributes.type, 'deviated');
  t.regex(failure?.attributes.message ?? '', /latency 1210\.1 ms, expected below 500/);
  t.regex(failure?.text ?? '', /710\.1 ms over the bound of 500/);
});

test('revert failed: the revert test case fails with the error and the ledger entry', (t) => {
  const journal = buildJournal({
    verdict: 'held',
    probes: [latency('page', () => 100), latency('other', () => 50)],
    faults: [
      {
        name: 'slow',
        startMs: 1_000,
        endMs: 5_000,
        targets: ['a', 'b'],
        revert: 'failed',
        error: 'toxiproxy <down> & "gone"',
      },
      { name: 'cut', startMs: 2_000, endMs: 4_000 },
    ],
  });
  const suite = check(t, journal, { tests: 5, failures: 2, errors: 0, skipped: 0 });
  const messages = findAll(suite, 'failure').map((f) => f.attributes.message ?? '');
  t.true(
    messages.every((m) =>
      /could not revert .* toxiproxy <down> & "gone"; it may still be in place \(ledger entry run\/slow\/\d\)/.test(
        m,
      ),
    ),
  );
});

test('aborted: probes that had not deviated are errors, not passes', (t) => {
  const journal = buildJournal({
    verdict: 'aborted',
    reason: 'interrupted by SIGINT',
    stopAtMs: 5_000,
    probes: [latency('page', () => 100), latency('slowpoke', (e) => (e >= 2_000 ? 900 : 100))],
    faults: [{ name: 'slow', startMs: 1_000 }],
  });
  const suite = check(t, journal, { tests: 3, failures: 1, errors: 1, skipped: 0 });
  t.regex(
    findAll(suite, 'error')[0]?.attributes.message ?? '',
    /the run ended \(aborted: interrupted by SIGINT\)/,
  );
});

test('not started: the probe out of tolerance fails, the others are skipped, no revert case', (t) => {
  const journal = buildJournal({
    verdict: 'not-started',
    reason: 'steady state not met: page',
    notStarted: true,
    probes: [latency('page', () => 900), latency('other', () => 10), latency('third', () => 10)],
  });
  const suite = check(t, journal, { tests: 3, failures: 1, errors: 0, skipped: 2 });
  t.is(findAll(suite, 'failure')[0]?.attributes.type, 'steady-state-not-met');
});

test('pod kills in rounds (a real run): one revert case per round, a deleted pod passes', (t) => {
  const suite = check(t, loadFixture('held-pod-kill-rounds'), {
    tests: 4,
    failures: 0,
    errors: 0,
    skipped: 0,
  });
  t.deepEqual(
    findAll(suite, 'testcase')
      .slice(1)
      .map((c) => c.attributes.name),
    [1, 2, 3].map(
      (round) =>
        `revert kill-checkout-pods round ${round} on ${['pod/shop/checkout-5f857787dd-tdr8n', 'pod/shop/checkout-5f857787dd-n5vnz', 'pod/shop/checkout-5f857787dd-h8wsb'][round - 1]}`,
    ),
  );
});
