// The experiment the engine's unit tests run: a page probe every 2 s (2 failures deviate) while the
// catalog's proxy on the in-memory Toxiproxy gets 800 ms of latency from 5 s to 35 s of a 60 s method.
import type { ExperimentDocument, FaultDocument } from '../../src/experiment/schema.ts';

export const memoryToxiproxyUrl = 'http://toxiproxy.test';

export const latencyFault: FaultDocument = {
  name: 'slow-catalog',
  toxiproxy: { url: memoryToxiproxyUrl, proxy: 'catalog', toxic: 'latency', attributes: { latency: 800 } },
  start: '5s',
  duration: '30s',
};

export function latencyExperimentDocument(
  overrides: Partial<ExperimentDocument['spec']> = {},
): ExperimentDocument {
  return {
    apiVersion: 'faultline.dev/v1alpha1',
    kind: 'Experiment',
    metadata: { name: 'unit' },
    spec: {
      duration: '60s',
      hypothesis: {
        probes: [{ name: 'page', http: { url: 'http://shop.test/' }, expect: { status: 200 } }],
        during: { every: '2s', failAfter: 2 },
      },
      faults: [latencyFault],
      ...overrides,
    },
  };
}
