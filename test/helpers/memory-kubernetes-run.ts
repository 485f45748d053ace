// A run against the in-memory cluster on virtual time, as the unit tests of the Kubernetes faults
// drive it: three nodes, shop/checkout with 3 replicas whose replacements are Ready after 1.5 s, a
// hypothesis on checkout's Ready pods, and a ledger whose writes are logged with the API calls.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../src/engine/run-experiment.ts';
import { type Experiment, normalizeExperiment } from '../../src/experiment/experiment.ts';
import type { ExperimentDocument, FaultDocument as FaultSpec } from '../../src/experiment/schema.ts';
import { type FaultLedger, openFaultLedger } from '../../src/ledger/fault-ledger.ts';
import type { Runtime } from '../../src/runtime.ts';
import { createMemoryKubernetes } from './memory-kubernetes.ts';
import { createVirtualClock } from './virtual-clock.ts';

export const seed = 42;
export const runId = '20260101T000000Z-beef';

// A cluster of three nodes and shop/checkout with 3 replicas whose replacements are Ready after 1.5 s.
export function setup() {
  const clock = createVirtualClock();
  const cluster = createMemoryKubernetes(clock);
  for (const node of ['n1', 'n2', 'n3']) cluster.addNode(node);
  cluster.addDeployment('shop', 'checkout', 3, { readyAfterMs: 1_500 });
  const ledger = openFaultLedger(
    join(mkdtempSync(join(tmpdir(), 'faultline-k8s-')), 'ledger.jsonl'),
    clock.now,
  );
  // Ledger writes and API calls in one sequence, to show which came first.
  const logged: FaultLedger = {
    ...ledger,
    openAll(entries) {
      for (const entry of entries) cluster.calls.push(`ledger ${entry.undo.kind}`);
      return ledger.openAll(entries);
    },
  };
  const runtime: Runtime = {
    clock,
    random: () => 0.5,
    ledger: logged,
    toxiproxy: () => {
      throw new Error('no Toxiproxy in this test');
    },
    kubernetes: () => cluster,
    // The hypothesis: checkout's Ready pods at least `atLeast`, read from the memory cluster.
    sampleProbe: async (probe) => {
      const ready = cluster.readyCount('shop', 'checkout');
      const ok = ready >= (probe.expect?.atLeast ?? 0);
      return {
        probe: probe.name,
        at: clock.now(),
        outcome: ok ? 'ok' : 'out-of-tolerance',
        value: ready,
        detail: `readyReplicas = ${ready}`,
        durationMs: 0,
        attempts: 1,
      };
    },
  };
  const run = (faults: FaultSpec[], spec: Partial<ExperimentDocument['spec']> = {}, atLeast = 1) => {
    const experiment = experimentWith(faults, spec, atLeast);
    return runExperiment(
      { experiment, experimentSource: experiment, experimentFile: 'k.yaml', runId, seed },
      runtime,
    );
  };
  return { clock, cluster, ledger, run };
}

export function experimentWith(
  faults: FaultSpec[],
  spec: Partial<ExperimentDocument['spec']>,
  atLeast: number,
): Experiment {
  return normalizeExperiment({
    apiVersion: 'faultline.dev/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'k8s-unit' },
    spec: {
      duration: '10s',
      hypothesis: {
        probes: [
          {
            name: 'checkout-ready',
            kubernetes: {
              kind: 'Deployment',
              namespace: 'shop',
              name: 'checkout',
              field: 'status.readyReplicas',
            },
            expect: { atLeast },
          },
        ],
        during: { every: '500ms', failAfter: 1 },
      },
      faults,
      ...spec,
    },
  });
}

export const killTwo: FaultSpec = {
  name: 'kill-two',
  podKill: { namespace: 'shop', selector: 'app=checkout', count: 2, gracePeriod: '0s' },
  start: '1s',
};
export const relative = (journal: { methodStartedAt?: number }, at: number | undefined) =>
  at === undefined ? undefined : at - (journal.methodStartedAt ?? 0);
