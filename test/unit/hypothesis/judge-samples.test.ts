import test from 'ava';
import { judgeSamples } from '../../../src/hypothesis/judge-samples.ts';
import type { Sample, SampleOutcome } from '../../../src/hypothesis/sample.ts';

const sample = (probe: string, outcome: SampleOutcome): Sample => ({
  probe,
  at: 0,
  outcome,
  detail: outcome,
  durationMs: 0,
  attempts: 1,
});

test('failures count in a row per probe; a success resets the count; failAfter decides deviation', (t) => {
  const inARow = new Map<string, number>();
  const first = judgeSamples([sample('a', 'timeout'), sample('b', 'ok')], [], inARow, 2);
  t.deepEqual(
    first.failed.map((f) => [f.sample.probe, f.inARow]),
    [['a', 1]],
  );
  t.is(first.deviated, undefined);
  const second = judgeSamples([sample('a', 'unreachable'), sample('b', 'out-of-tolerance')], [], inARow, 2);
  t.is(second.deviated?.sample.probe, 'a');
  t.is(second.deviated?.inARow, 2);
  judgeSamples([sample('a', 'ok'), sample('b', 'ok')], [], inARow, 2);
  t.is(inARow.get('a'), 0);
  t.is(judgeSamples([sample('a', 'empty')], [], inARow, 2).deviated, undefined, 'one failure after a reset');
});

test('an abort condition that fails is named; an ok one is not', (t) => {
  const judged = judgeSamples([], [sample('alive', 'ok'), sample('site-down', 'unreachable')], new Map(), 1);
  t.is(judged.abortedBy?.probe, 'site-down');
  t.is(judgeSamples([], [sample('alive', 'ok')], new Map(), 1).abortedBy, undefined);
});
