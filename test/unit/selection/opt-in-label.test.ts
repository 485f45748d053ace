import test from 'ava';
import { formatOptInLabel, hasOptInLabel, parseOptInLabel } from '../../../src/selection/opt-in-label.ts';

test('opt-in label: a key, or a key and value', (t) => {
  t.deepEqual(parseOptInLabel('chaos'), { key: 'chaos' });
  t.deepEqual(parseOptInLabel('chaos=true'), { key: 'chaos', value: 'true' });
  t.true(hasOptInLabel({ chaos: 'anything' }, parseOptInLabel('chaos')));
  t.true(hasOptInLabel({ chaos: 'true' }, parseOptInLabel('chaos=true')));
  t.false(hasOptInLabel({ chaos: 'false' }, parseOptInLabel('chaos=true')));
  t.false(hasOptInLabel({ app: 'checkout' }, parseOptInLabel('chaos')));
  t.true(hasOptInLabel({ chaos: '' }, parseOptInLabel('chaos=')));
  t.is(formatOptInLabel(parseOptInLabel('chaos')), 'chaos');
  t.is(formatOptInLabel(parseOptInLabel(' chaos = true ')), 'chaos=true');
});
