// docs/reference.md is generated from the schemas; it must match what the generator writes now.
import { readFileSync } from 'node:fs';
import test from 'ava';
import { referenceFile, renderReference } from '../../../scripts/generate-reference.ts';

test('docs/reference.md matches the schemas (run node scripts/generate-reference.ts after a change)', async (t) => {
  t.is(readFileSync(referenceFile, 'utf8'), await renderReference());
});

test('the reference lists every fault kind and probe kind with its fields', async (t) => {
  const text = await renderReference();
  for (const path of [
    'spec.faults[].toxiproxy.toxic',
    'spec.faults[].partition.proxy',
    'spec.faults[].podKill.gracePeriod',
    'spec.faults[].nodeDrain.timeout',
    'spec.faults[].nodeCordon.selector',
    'spec.hypothesis.probes[].prometheus.query',
    'spec.hypothesis.during.failAfter',
    'spec.safety.maxPodsPercent',
  ]) {
    t.true(text.includes(`| \`${path}\` |`), path);
  }
});
