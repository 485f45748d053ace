// execute-run: the journal is written whatever ended the run, an unexpected error included; the
// error comes back as `unexpected`, never as a verdict.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { KubernetesAdapter } from '../../../src/adapters/kubernetes.ts';
import { normalizeExperiment } from '../../../src/experiment/experiment.ts';
import { openFaultLedger } from '../../../src/ledger/fault-ledger.ts';
import { executeRun } from '../../../src/runner/execute-run.ts';
import type { Runtime } from '../../../src/runtime.ts';
import { latencyExperimentDocument, memoryToxiproxyUrl } from '../../helpers/latency-experiment.ts';
import { createMemoryToxiproxy } from '../../helpers/memory-toxiproxy.ts';
import { createVirtualClock } from '../../helpers/virtual-clock.ts';

const url = memoryToxiproxyUrl;
const source = latencyExperimentDocument();

test('an unexpected error in the method: every fault reverted, the journal written, no verdict', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-execute-'));
  const clock = createVirtualClock();
  const toxiproxy = createMemoryToxiproxy(url, ['catalog']);
  const runtime: Runtime = {
    clock,
    random: () => 0.5,
    ledger: openFaultLedger(join(dir, 'ledger.jsonl'), clock.now),
    toxiproxy: () => toxiproxy,
    kubernetes: () => {
      throw new Error('no kubernetes in this test') as never as KubernetesAdapter;
    },
    sampleProbe: async (probe) => {
      if (clock.elapsed() >= 10_000) throw new TypeError('a bug in a probe');
      return { probe: probe.name, at: clock.now(), outcome: 'ok', detail: 'ok', durationMs: 0, attempts: 1 };
    },
  };
  const executed = await executeRun(
    {
      experiment: normalizeExperiment(source),
      experimentSource: source,
      experimentFile: 'x.yaml',
      runId: '20260101T000000Z-abcd',
      seed: 1,
      reportDir: join(dir, 'run'),
      redact: (text) => text,
    },
    runtime,
  );
  t.regex(String(executed.unexpected), /TypeError: a bug in a probe/);
  t.false(executed.revertFailed);
  t.deepEqual(toxiproxy.proxies.get('catalog')?.toxics, [], 'the toxic was reverted');
  t.true(existsSync(executed.journalFile));
  const journal = JSON.parse(readFileSync(executed.journalFile, 'utf8'));
  t.is(journal.verdict, undefined, 'no verdict is recorded');
  t.true(journal.events.some((e: { type: string }) => e.type === 'reverted'));
});
