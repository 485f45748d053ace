// `run --ctk-journal`: a Faultline journal rendered in Chaos Toolkit's shape, from the journal
// fixtures, with a Chaos Toolkit experiment naming the same fault and probe.
import test from 'ava';
import { renderChaosToolkitJournal } from '../../../src/reporting/chaostoolkit-journal.ts';
import { loadFixture } from './journal-builder.ts';

const latencyAction = {
  type: 'action',
  name: 'slow-catalog',
  provider: { type: 'python', module: 'chaostoxi.toxic.actions', func: 'create_latency_toxic' },
  pauses: { after: 20 },
};
const experiment = {
  title: 'The fragile storefront under a slow catalog',
  description: 'd',
  'steady-state-hypothesis': {
    title: 'h',
    probes: [
      { type: 'probe', name: 'fragile-answers', tolerance: 200, provider: { type: 'http', url: 'u' } },
    ],
  },
  method: [latencyAction],
};
const context = { experiment, version: '0.1.0', platform: 'Linux-6', node: 'host' };

test('a deviated run: status failed, deviated, the failed checks during the method, the revert as a rollback', (t) => {
  const journal = loadFixture('deviated-fragile-latency');
  const rendered = renderChaosToolkitJournal(journal, context);
  t.is(rendered.status, 'failed');
  t.true(rendered.deviated);
  t.is(rendered.experiment, experiment);
  t.deepEqual(
    rendered.run.map((run) => [run.activity, run.status]),
    [[latencyAction, 'succeeded']],
  );
  t.true(rendered.steady_states.before?.steady_state_met);
  t.true(rendered.steady_states.during.some((check) => !check.steady_state_met));
  const failed = rendered.steady_states.during.find((check) => !check.steady_state_met)?.probes[0];
  t.is(failed?.activity.name, 'fragile-answers');
  t.is(failed?.activity.tolerance, 200, 'the activity as the user wrote it');
  t.is(failed?.status, 'succeeded', 'it answered; its value was out of tolerance');
  t.false(failed?.tolerance_met);
  t.deepEqual(
    rendered.rollbacks.map((run) => [run.activity.name, run.status]),
    [['revert slow-catalog', 'succeeded']],
  );
  t.is(rendered.duration, ((journal.endedAt ?? 0) - journal.startedAt) / 1000);
  t.deepEqual(rendered.faultline, {
    version: '0.1.0',
    runId: journal.runId,
    verdict: 'deviated',
    reason: journal.reason,
  });
});

test('the ending in Chaos Toolkit words: held is completed, Ctrl-C interrupted, an abort condition aborted', (t) => {
  const held = loadFixture('held-catalog-partition');
  const render = (verdict: typeof held.verdict, reason: string) =>
    renderChaosToolkitJournal({ ...held, verdict, reason }, context);
  t.is(render('held', held.reason ?? '').status, 'completed');
  t.false(render('held', '').deviated);
  t.is(render('aborted', 'interrupted by SIGINT').status, 'interrupted');
  t.is(render('aborted', 'abort condition storefront-down').status, 'aborted');
  t.is(render('not-started', 'steady state not met').status, 'failed');
  t.false(render('not-started', '').deviated);
  // A fault the experiment does not name is still listed, by its name.
  t.deepEqual(render('held', '').run[0]?.activity, { type: 'action', name: 'cut-off-catalog' });
});
