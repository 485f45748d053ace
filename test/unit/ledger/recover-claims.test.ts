// A run's claim on a proxy (a harmless toxic named `<mark>.claim`) is not a fault: recovery never
// lists it, and removes it once its run is gone. In-memory Toxiproxy; real ledger file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { systemClock } from '../../../src/clock.ts';
import { markName } from '../../../src/faults/fault-marks.ts';
import { openFaultLedger } from '../../../src/ledger/fault-ledger.ts';
import { recoverFaults } from '../../../src/ledger/recover.ts';
import { createMemoryToxiproxy } from '../../helpers/memory-toxiproxy.ts';

test('claims are never listed; a gone run’s claim and fault go, a live run’s stay', async (t) => {
  const toxiproxy = createMemoryToxiproxy();
  await toxiproxy.createProxy({ name: 'catalog', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' });
  const now = Date.now();
  const gone = { runId: '20261130T000000Z-aaaa', deadline: now - 60_000 };
  const live = { runId: '20261130T000000Z-bbbb', deadline: now + 600_000 };
  const toxic = (name: string) => ({
    name,
    type: 'latency' as const,
    stream: 'downstream' as const,
    toxicity: 1,
    attributes: { latency: 0 },
  });
  for (const run of [gone, live]) {
    await toxiproxy.addToxic('catalog', toxic(markName({ ...run, name: 'slow' })));
    await toxiproxy.addToxic('catalog', toxic(markName({ ...run, name: 'exp', role: 'claim' })));
  }
  const ledger = openFaultLedger(join(mkdtempSync(join(tmpdir(), 'faultline-claims-')), 'ledger.jsonl'));
  const result = await recoverFaults({
    ledger,
    context: {
      toxiproxy: () => toxiproxy,
      kubernetes: () => t.fail('no cluster') as never,
      clock: systemClock,
    },
    scope: { toxiproxyUrls: [toxiproxy.url], nodeCordons: false, cluster: false },
    timeoutMs: 1_000,
  });
  t.deepEqual(
    result.items.map((item) => [item.runId, item.description.includes('.claim')]),
    [[gone.runId, false]],
  );
  t.deepEqual(
    result.live.map((item) => [item.runId, item.description.includes('.claim')]),
    [[live.runId, false]],
  );
  const left = toxiproxy.proxies.get('catalog')?.toxics.map((x) => x.name) ?? [];
  t.deepEqual(left.sort(), [
    markName({ ...live, name: 'exp', role: 'claim' }),
    markName({ ...live, name: 'slow' }),
  ]);
});
