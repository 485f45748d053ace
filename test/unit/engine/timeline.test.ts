import test from 'ava';
import { nextRoundAt, planTimeline } from '../../../src/engine/timeline.ts';
import type { Fault } from '../../../src/experiment/experiment.ts';

const monkey: Fault = {
  name: 'monkey',
  kind: 'podKill',
  spec: { namespace: 'shop', selector: 'app=checkout', every: '10s' },
  start: '5s',
  duration: '30s',
};

test('a podKill with every repeats from its start until its end, skipping rounds missed', (t) => {
  const [item] = planTimeline([monkey], 60_000);
  if (!item) return t.fail();
  t.is(item.everyMs, 10_000);
  t.is(nextRoundAt(item, 0, 0, 60_000), 5_000);
  t.is(nextRoundAt(item, 1, 5_000, 60_000), 15_000);
  t.is(nextRoundAt(item, 2, 15_010, 60_000), 25_000);
  t.is(nextRoundAt(item, 3, 25_000, 60_000), undefined, 'a round at 35 s would be at the end');
  t.is(nextRoundAt(item, 2, 27_000, 60_000), undefined, 'rounds missed while busy are skipped');
  t.is(nextRoundAt(item, 1, 17_000, 60_000), 25_000, 'the round at 15 s was missed');
});

test('without every a fault has one round; without duration it repeats until the method ends', (t) => {
  const [once] = planTimeline([{ ...monkey, spec: { namespace: 'shop', selector: 'a=b' } }], 60_000);
  if (!once) return t.fail();
  t.is(nextRoundAt(once, 1, 5_000, 60_000), undefined);
  const [open] = planTimeline([{ ...monkey, duration: undefined }], 60_000);
  if (!open) return t.fail();
  t.is(nextRoundAt(open, 5, 45_000, 60_000), 55_000);
  t.is(nextRoundAt(open, 6, 55_000, 60_000), undefined);
});
