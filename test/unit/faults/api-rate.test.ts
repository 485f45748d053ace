// spec.safety.apiRate through the whole run contract, on virtual time against the in-memory cluster:
// a kill's deletions are paced, and what the method's end left unsent is said. Against a real API
// server: test/integration/api-rate.test.ts.
import test from 'ava';
import { relative, setup } from '../../helpers/memory-kubernetes-run.ts';

const killAll = {
  name: 'kill-all',
  podKill: { namespace: 'shop', selector: 'app=checkout', percent: 100, gracePeriod: '0s' },
  start: '1s',
};

test('apiRate 0.8/s: deletions 1 250 ms apart; the one due after the method ends is never sent, and said', async (t) => {
  const { run, cluster } = setup();
  const { journal, verdict } = await run([killAll], { duration: '3s', safety: { apiRate: '0.8/s' } });
  t.is(verdict, 'held', journal.reason);
  t.is(cluster.calls.filter((call) => call.startsWith('delete')).length, 2, cluster.calls.join('\n'));
  const injected = (journal.faults[0]?.actions ?? []).flatMap((a) =>
    a.injectedAt === undefined ? [] : [relative(journal, a.injectedAt)],
  );
  t.deepEqual(injected, [1_000, 2_250]);
  const shortfall = journal.events.filter((e) => e.type === 'inject-shortfall');
  t.deepEqual(
    shortfall.map((e) => e.message),
    ['kill-all: 2 of 3 injected before the method stopped; the rest were never sent'],
  );
});

test('without apiRate the same kill deletes all three at once, and nothing is said', async (t) => {
  const { run, cluster } = setup();
  const { journal } = await run([killAll], { duration: '3s' });
  t.is(cluster.calls.filter((call) => call.startsWith('delete')).length, 3);
  t.deepEqual(
    (journal.faults[0]?.actions ?? []).map((a) => relative(journal, a.injectedAt)),
    [1_000, 1_000, 1_000],
  );
  t.false(journal.events.some((e) => e.type === 'inject-shortfall'));
});
