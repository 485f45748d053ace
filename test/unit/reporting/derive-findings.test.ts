// What the reports conclude from a journal: verdict sentence, impact, detection, and what went
// well, wrong or luckily, for real journals (fixtures) and synthetic ones.
import test from 'ava';
import { deriveFindings } from '../../../src/reporting/derive-findings.ts';
import { renderHtml } from '../../../src/reporting/html.ts';
import { buildJournal, latency, loadFixture } from './journal-builder.ts';

const has = (list: string[], pattern: RegExp) => list.some((item) => pattern.test(item));

test('held (a real run): the fallback that kept the probes in tolerance went well, nothing went wrong', (t) => {
  const f = deriveFindings(loadFixture('held-catalog-partition'));
  t.is(f.verdict, 'held');
  t.regex(
    f.verdictSentence,
    /^The steady-state hypothesis held: both hypothesis probes stayed within tolerance/,
  );
  t.regex(f.verdictSentence, /cut-off-catalog, a partition of proxy catalog/);
  t.true(
    has(
      f.wentWell,
      /While cut-off-catalog was in place \(30 s\), storefront-answers and storefront-loses-no-request stayed within tolerance/,
    ),
  );
  t.true(has(f.wentWell, /reverted on the first attempt/));
  t.deepEqual(f.wentWrong, []);
  t.true(has(f.followUps, /make the fault stronger or longer/));
  t.false(f.revertFailed);
  t.is(f.detection.firstOutOfTolerance, undefined);
  t.is(f.detection.toAllRevertedMs, 29_986);
  t.true(f.probes.every((p) => p.windows.length === 0));
});

test('deviated (a real run): by how much, when, and how fast it was seen', (t) => {
  const f = deriveFindings(loadFixture('deviated-fragile-latency'));
  t.is(f.verdict, 'deviated');
  t.regex(
    f.verdictSentence,
    /deviated under slow-catalog, a latency toxic on proxy catalog \(latency 1200, downstream\): fragile-answers left its tolerance\.$/,
  );
  const fragile = f.probes.find((p) => p.name === 'fragile-answers');
  t.truthy(fragile);
  t.true(fragile?.deviated);
  const window = fragile?.windows[0];
  t.is(window?.samples.length, 3);
  t.deepEqual(window?.faults, ['slow-catalog']);
  t.is(window?.worst.value, 1210.1);
  t.true(
    has(
      f.wentWrong,
      /fragile-answers left its tolerance .* while slow-catalog was in place, from \+0:04\.0 to \+0:06\.5 \(3 samples\); worst: latency 1210\.1 ms, 710\.1 ms over the bound of 500 \(2\.42×\)/,
    ),
  );
  t.true(
    has(f.wentWell, /storefront-answers stayed within tolerance in all 3 samples/),
    'the resilient storefront held',
  );
  t.true(has(f.wentWell, /returned within tolerance: the system recovered/));
  t.true(has(f.followUps, /Make the path measured by fragile-answers tolerate slow-catalog/));
  t.true((f.detection.toFirstOutOfToleranceMs ?? -1) >= 0 && (f.detection.toFirstOutOfToleranceMs ?? 99) < 5);
  t.is(f.detection.deviationDeclaredAt, Date.parse('2026-11-22T06:31:50.497Z'));
  t.is(f.detection.fastestDeclarationMs, 2_000);
  t.true((f.detection.declaredToRevertedMs ?? -1) >= 0);
});

test('aborted: the abort condition is what went wrong; the reverts went well; no probe deviated', (t) => {
  const journal = buildJournal({
    verdict: 'aborted',
    reason: 'abort condition site-down (unreachable: connect ECONNREFUSED)',
    stopAtMs: 6_000,
    probes: [
      latency('page', () => 100),
      {
        name: 'site-down',
        role: 'abort',
        kind: 'http',
        expect: { status: 200 },
        sample: (e) => (e >= 6_000 ? { outcome: 'unreachable', detail: 'connect ECONNREFUSED' } : {}),
      },
    ],
    faults: [{ name: 'slow', startMs: 2_000, endMs: 20_000 }],
    extraEvents: [
      {
        atMs: 6_000,
        type: 'abort-condition',
        message: 'site-down: unreachable: connect ECONNREFUSED',
        probe: 'site-down',
      },
    ],
  });
  const f = deriveFindings(journal);
  t.regex(
    f.verdictSentence,
    /^The run was aborted \(abort condition site-down .*\) while testing slow, a toxiproxy fault; every injected fault was reverted\.$/,
  );
  t.true(
    has(
      f.wentWrong,
      /^The abort condition site-down tripped at \+0:06\.1: unreachable: connect ECONNREFUSED\.$/,
    ),
  );
  t.true(has(f.wentWell, /stopped when asked to and reverted every fault/));
  t.false(f.probes.find((p) => p.name === 'page')?.deviated);
  t.true(
    f.probes.find((p) => p.name === 'site-down')?.deviated,
    'an abort probe deviates on its first failure',
  );
});

test('not started: the probe out of tolerance before, and nothing injected', (t) => {
  const journal = buildJournal({
    verdict: 'not-started',
    reason: 'steady state not met: page (out-of-tolerance: value 900, expected below 500)',
    notStarted: true,
    probes: [latency('page', () => 900), latency('other', () => 10)],
    faults: [],
  });
  const f = deriveFindings(journal);
  t.regex(
    f.verdictSentence,
    /^The experiment did not start: the system was not in its steady state before anything was injected \(page \(out-of-tolerance/,
  );
  t.true(
    has(
      f.wentWrong,
      /Before anything was injected, page was already outside its tolerance \(value below 500\): value 900, 400 over the bound of 500/,
    ),
  );
  t.true(has(f.wentWell, /kept faults away from a system that was not in its steady state/));
  t.true(has(f.followUps, /Bring page back within tolerance/));
  t.false(has(f.wentWrong, /other/));
  t.deepEqual(f.actions, []);
});

test('revert failed: said in the summary, what went wrong, and the first follow-up is recover', (t) => {
  const journal = buildJournal({
    verdict: 'held',
    probes: [latency('page', () => 100)],
    faults: [
      {
        name: 'slow',
        startMs: 1_000,
        endMs: 5_000,
        revert: 'failed',
        attempts: 7,
        error: 'connect ECONNREFUSED 127.0.0.1:8474',
      },
    ],
  });
  const f = deriveFindings(journal);
  t.true(f.revertFailed);
  t.regex(
    f.verdictSentence,
    /; 1 fault action could NOT be reverted and may still be in place \(toxic slow on proxy catalog\)\.$/,
  );
  t.true(
    has(
      f.wentWrong,
      /Reverting toxic slow-0 on proxy catalog at http:\/\/toxiproxy\.test failed after 7 attempts: connect ECONNREFUSED/,
    ),
  );
  t.regex(f.followUps[0] ?? '', /^Run faultline recover --ledger \/state\/ledger\.jsonl/);
  t.false(has(f.wentWell, /nothing was left behind/));
  t.is(f.detection.lastRevertedAt, undefined);
});

test('where we got lucky: a revert that needed retries, a near miss, a closest call, a fault already gone', (t) => {
  const journal = buildJournal({
    verdict: 'held',
    failAfter: 3,
    probes: [
      latency('blip', (e) => (e === 4_000 ? 800 : 100)),
      latency('edge', (e) => (e >= 2_000 && e <= 8_000 ? 480 : 50)),
    ],
    faults: [
      { name: 'slow', startMs: 2_000, endMs: 8_000, attempts: 3 },
      { name: 'gone', startMs: 10_000, endMs: 12_000, revert: 'already-gone' },
    ],
  });
  const f = deriveFindings(journal);
  t.true(
    has(
      f.lucky,
      /blip was outside its tolerance while slow was in place for 1 sample .*fewer than the 3 in a row/,
    ),
  );
  t.true(has(f.lucky, /edge stayed within tolerance during the faults, but came within 4% of its bound/));
  t.true(has(f.lucky, /Reverting toxic slow-0 .* needed 3 attempts \(slow: attempt 1 failed \(busy\)\)/));
  t.true(has(f.lucky, /was already gone when the run reverted it/));
  t.true(has(f.followUps, /why reverting slow needed retries/));
  t.deepEqual(f.wentWrong, []);
  t.false(f.probes.some((p) => p.deviated));
});

test('a probe that came back while the fault was still in place: the system adapted', (t) => {
  const journal = buildJournal({
    verdict: 'deviated',
    failAfter: 2,
    probes: [latency('page', (e) => (e >= 3_000 && e <= 5_000 ? 1_500 : 100))],
    faults: [{ name: 'slow', startMs: 2_500, endMs: 15_000 }],
  });
  const f = deriveFindings(journal);
  t.true(
    has(
      f.wentWrong,
      /page left its tolerance .* while slow was in place, from \+0:03\.1 to \+0:05\.1 \(3 samples\); worst: value 1500, 1000 over the bound of 500 \(3×\)/,
    ),
  );
  t.true(
    has(
      f.wentWell,
      /page came back within tolerance at \+0:06\.1 while slow was still in place, 3 s after leaving it/,
    ),
  );
});

test('a PodDisruptionBudget in the events, and a fault no sample observed', (t) => {
  const journal = buildJournal({
    verdict: 'held',
    everyMs: 5_000,
    probes: [latency('page', () => 100)],
    faults: [
      { name: 'drain', startMs: 5_000, endMs: 20_000 },
      { name: 'blink', startMs: 11_000, endMs: 12_000 },
    ],
    extraEvents: [
      {
        atMs: 6_000,
        type: 'drain-blocked',
        message: "evicting shop/checkout-1: Cannot evict pod as it would violate the pod's disruption budget",
        fault: 'drain',
      },
    ],
  });
  const f = deriveFindings(journal);
  t.true(
    has(
      f.wentWell,
      /A PodDisruptionBudget protected availability during the run \(\+0:06\.1: evicting shop\/checkout-1/,
    ),
  );
  t.true(has(f.followUps, /disruption budget limited the drain/));
  t.true(has(f.wentWrong, /No hypothesis sample was taken while blink was in place/));
  t.true(has(f.followUps, /Sample the hypothesis more often than every 5 s/));
});

test('steady state not restored after the faults', (t) => {
  const journal = buildJournal({
    verdict: 'deviated',
    probes: [latency('page', (e) => (e === Number.POSITIVE_INFINITY ? 700 : 100))],
    faults: [{ name: 'slow', startMs: 1_000, endMs: 3_000 }],
  });
  const f = deriveFindings(journal);
  t.true(f.probes[0]?.deviated);
  t.true(
    has(
      f.wentWrong,
      /After every fault was reverted and 2 s of recovery, page was still outside its tolerance: value 700/,
    ),
  );
  t.true(has(f.followUps, /did not return to its steady state within 2 s/));
  t.truthy(f.detection.deviationDeclaredAt);
});

test('a long timeline keeps its start and its end', (t) => {
  const journal = buildJournal({
    verdict: 'held',
    durationMs: 600_000,
    failAfter: 5,
    probes: [latency('flappy', (e) => (e % 4_000 === 0 ? 900 : 100))],
    faults: [{ name: 'slow', startMs: 1_000 }],
  });
  const f = deriveFindings(journal);
  t.is(f.timeline.entries.length, 200);
  t.true(f.timeline.omitted > 0);
  t.is(f.timeline.entries.at(-1)?.what, 'verdict');
  t.is(f.timeline.entries[0]?.what, 'phase');
});

test('pod kills in rounds (a real run): the owner Ready again went well; the bound reached was lucky', (t) => {
  const f = deriveFindings(loadFixture('held-pod-kill-rounds'));
  t.is(f.verdict, 'held');
  t.true(
    has(
      f.wentWell,
      /Each of the 3 times kill-checkout-pods removed a pod, its owner \(Deployment\/checkout\) was fully Ready again, at most 195 ms later/,
    ),
  );
  t.true(
    has(
      f.wentWell,
      /While kill-checkout-pods was in place \(513 ms in all, over 3 rounds\), checkout-replicas stayed within tolerance/,
    ),
  );
  t.true(
    has(f.wentWell, /Every fault action \(3\) was reverted on the first attempt/),
    'a deleted pod is gone by design',
  );
  t.false(has(f.lucky, /already gone/));
  t.true(
    has(
      f.lucky,
      /checkout-replicas stayed within tolerance during the faults, but reached its bound exactly at \+0:02\.2 \(value 2/,
    ),
  );
  t.deepEqual(
    f.spans.map((s) => s.to - s.from),
    [153, 165, 195],
    'a pod kill is in place until its owner is Ready again',
  );
});

test('a drain that a PodDisruptionBudget blocked, and an owner not Ready again', (t) => {
  const journal = buildJournal({
    verdict: 'error',
    reason: 'drain of node kwok-node-1 blocked by PodDisruptionBudget shop/checkout',
    stopAtMs: 8_000,
    probes: [latency('page', () => 100)],
    faults: [
      {
        name: 'drain-one-node',
        startMs: 2_000,
        targets: ['node/kwok-node-1'],
        undo: { kind: 'node-cordoned', node: 'kwok-node-1' },
        effect: {
          outcome: 'blocked',
          detail:
            "pod shop/checkout-1 not evicted: Cannot evict pod as it would violate the pod's disruption budget.",
          podDisruptionBudget: 'shop/checkout',
          afterMs: 5_000,
        },
      },
      {
        name: 'kill-pod',
        startMs: 3_000,
        targets: ['pod/shop/api-1'],
        owner: 'Deployment/api',
        revert: 'already-gone',
        undo: { kind: 'pod-deleted', namespace: 'shop', pod: 'api-1' },
        effect: {
          outcome: 'not-ready',
          detail: 'Deployment/api not fully Ready when the run ended (1/2 Ready)',
        },
      },
    ],
  });
  const f = deriveFindings(journal);
  t.true(
    has(
      f.wentWell,
      /A PodDisruptionBudget protected availability during the run \(PodDisruptionBudget shop\/checkout kept node\/kwok-node-1: pod shop\/checkout-1 not evicted/,
    ),
  );
  t.true(has(f.followUps, /The disruption budget limited the drain/));
  t.true(
    has(
      f.wentWrong,
      /After kill-pod removed pod\/shop\/api-1: Deployment\/api not fully Ready when the run ended \(1\/2 Ready\)\./,
    ),
  );
  t.true(has(f.followUps, /Find out why Deployment\/api did not become fully Ready again after kill-pod/));
  t.true(has(f.wentWrong, /The run stopped on an environment error: drain of node kwok-node-1 blocked/));
  t.regex(
    f.verdictSentence,
    /^The run stopped on an environment error: .*; every injected fault was reverted\.$/,
  );
});

test('a failed method step is what went wrong; it is not charted', (t) => {
  const journal = buildJournal({
    verdict: 'held',
    probes: [
      latency('page', () => 100),
      {
        name: 'checkout-works',
        role: 'step',
        kind: 'command',
        expect: { exitCode: 0 },
        atMs: 5_000,
        sample: () => ({ outcome: 'out-of-tolerance', detail: 'exit code 1' }),
      },
    ],
    faults: [{ name: 'slow', startMs: 1_000, endMs: 3_000 }],
  });
  const f = deriveFindings(journal);
  t.true(
    has(f.wentWrong, /^The step checkout-works at \+0:05\.1 failed \(out-of-tolerance: exit code 1\)\.$/),
  );
  t.is(f.probes.find((p) => p.name === 'checkout-works')?.samples.length, 1);
  t.is(renderHtml(journal).match(/<svg class="chart"/g)?.length, 1, 'only the hypothesis probe is charted');
});

test('a failed rollback: in the verdict sentence, what went wrong, and the first follow-up', (t) => {
  const journal = buildJournal({
    verdict: 'aborted',
    reason: 'interrupted by SIGINT',
    probes: [latency('page', () => 100)],
    faults: [{ name: 'slow', startMs: 1_000, endMs: 5_000 }],
  });
  journal.failedRollbacks = [{ probe: 'restore-cache', outcome: 'error', detail: 'exit code 1' }];
  const f = deriveFindings(journal);
  t.regex(f.verdictSentence, /every injected fault was reverted; the rollback restore-cache FAILED\.$/);
  t.true(has(f.wentWrong, /The rollback restore-cache failed \(error: exit code 1\)/));
  t.regex(f.followUps[0] ?? '', /Check by hand what the rollback restore-cache restores/);
});
