// Recovery reverts a dead run's faults at once (a guard puts a run back in the time of its slowest
// revert), and one fault once, though its entry is both in the ledger file and in the cluster ledger.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ToxiproxyAdapter } from '../../../src/adapters/toxiproxy.ts';
import { systemClock } from '../../../src/clock.ts';
import { openFaultLedger, readLedgerLines } from '../../../src/ledger/fault-ledger.ts';
import type { LedgerOpen } from '../../../src/ledger/ledger-lines.ts';
import { recoverFaults } from '../../../src/ledger/recover.ts';
import { deadRunOpenLine } from '../../helpers/ledger-lines.ts';
import { createMemoryToxiproxy } from '../../helpers/memory-toxiproxy.ts';

const url = 'http://toxiproxy.test';

test('two faults of a dead run are reverted at once; an entry in both ledgers is reverted once and closed in both', async (t) => {
  const server = createMemoryToxiproxy(url);
  await server.createProxy({ name: 'a', listen: '127.0.0.1:1', upstream: '127.0.0.1:2' });
  await server.createProxy({ name: 'b', listen: '127.0.0.1:3', upstream: '127.0.0.1:4' });
  const toxicUndo = { kind: 'toxic', url, proxy: 'a', toxic: 'faultline-r1-slow' };
  const partitionUndo = { kind: 'proxy-disabled', url, proxy: 'b' };
  await server.addToxic('a', {
    name: toxicUndo.toxic,
    type: 'latency',
    stream: 'downstream',
    attributes: {},
  });
  await server.setEnabled('b', false);
  // Each write waits until the other one has begun: one after the other, neither would finish.
  let inFlight = 0;
  let most = 0;
  let bothStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    bothStarted = resolve;
  });
  const slow = <A extends unknown[]>(work: (...args: A) => Promise<unknown>) =>
    (async (...args: A) => {
      inFlight++;
      most = Math.max(most, inFlight);
      if (inFlight === 2) bothStarted();
      await Promise.race([started, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      inFlight--;
      return work(...args);
    }) as never;
  const adapter: ToxiproxyAdapter = {
    ...server,
    removeToxic: slow(server.removeToxic),
    setEnabled: slow(server.setEnabled),
  };

  const file = join(mkdtempSync(join(tmpdir(), 'faultline-recover-')), 'ledger.jsonl');
  const toxicLine = deadRunOpenLine('r1/slow/0', toxicUndo);
  writeFileSync(file, `${toxicLine}\n${deadRunOpenLine('r1/cut/0', partitionUndo)}\n`);
  const closedInCluster: string[] = [];
  const result = await recoverFaults({
    ledger: openFaultLedger(file),
    context: {
      toxiproxy: () => adapter,
      kubernetes: () => t.fail('no cluster') as never,
      clock: systemClock,
    },
    scope: { toxiproxyUrls: [], nodeCordons: false, cluster: false },
    timeoutMs: 5_000,
    onlyRuns: new Set(['r1']),
    external: [
      {
        open: JSON.parse(toxicLine) as LedgerOpen,
        close: async (outcome) => {
          closedInCluster.push(`r1/slow/0 ${outcome}`);
        },
      },
    ],
  });

  t.is(most, 2, 'both reverts were in flight at once');
  t.deepEqual(
    result.items.map((item) => [item.description, item.source, item.detail]),
    [
      [`toxic ${toxicUndo.toxic} on proxy a at ${url}`, 'ledger', 'reverted'],
      [`proxy b disabled at ${url}`, 'ledger', 'reverted'],
    ],
  );
  t.is(server.calls.filter((call) => call === `remove ${toxicUndo.toxic}`).length, 1, 'reverted once');
  t.deepEqual(closedInCluster, ['r1/slow/0 reverted'], 'closed in the cluster ledger too');
  t.deepEqual(
    readLedgerLines(file)
      .flatMap((line) => (line.type === 'close' ? [line.entry] : []))
      .sort(),
    ['r1/cut/0', 'r1/slow/0'],
  );
  t.true(server.proxies.get('b')?.enabled);
  t.deepEqual(server.proxies.get('a')?.toxics, []);
});
