// A resilience check in the test suite: the experiment runs against the services named by
// STOREFRONT_URL and TOXIPROXY_URL, every fault is reverted whatever happens, and the test asserts
// the verdict. `npm test` runs it (ava); the journal and reports land in reports/<run-id>/.
import test from 'ava';
import { formatDiagnostic, loadExperiment, runExperiment } from 'faultline';
import slowCatalog from '../experiments/storefront-survives-slow-catalog.experiment.ts';

test('the storefront holds while the catalog is slow', async (t) => {
  const { experiment, diagnostics } = await loadExperiment(slowCatalog);
  if (!experiment) return t.fail(diagnostics.map(formatDiagnostic).join('\n'));

  const result = await runExperiment(experiment, { reportDir: 'reports' });

  t.is(result.verdict, 'held', result.reason);
  t.deepEqual(result.leftBehind, [], 'every fault was reverted');
  t.true(
    result.journal.events.some((event) => event.type === 'injected'),
    'the latency was injected',
  );
  t.log(`journal: ${result.reports?.journal}`);
});
