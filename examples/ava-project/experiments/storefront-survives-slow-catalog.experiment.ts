// An experiment as a TypeScript module: `npx faultline validate|plan|run` take this file as they take
// a YAML one, and the tests import it. ${NAME} is filled from the environment when it is loaded.
import { defineExperiment } from 'faultline';

export default defineExperiment({
  apiVersion: 'faultline.dev/v1alpha1',
  kind: 'Experiment',
  metadata: { name: 'storefront-survives-slow-catalog' },
  spec: {
    description: 'The storefront answers within 500 ms while the catalog answers 800 ms late.',
    duration: '4s',
    hypothesis: {
      probes: [
        {
          name: 'page-latency',
          http: { url: '${STOREFRONT_URL}/', timeout: '2s' },
          expect: { status: 200, latencyMs: { below: 500 } },
        },
      ],
      during: { every: '1s', failAfter: 2 },
    },
    faults: [
      {
        name: 'slow-catalog',
        toxiproxy: {
          url: '${TOXIPROXY_URL}',
          proxy: 'catalog',
          toxic: 'latency',
          attributes: { latency: 800 },
          stream: 'downstream',
        },
        start: '1s',
      },
    ],
  },
});
