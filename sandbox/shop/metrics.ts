import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type CatalogCallOutcome = 'ok' | 'error' | 'timeout' | 'breaker_open';

export interface ServiceMetrics {
  service: string;
  registry: Registry;
  requests: Counter<'service' | 'code'>;
  duration: Histogram<'service'>;
}

export interface CatalogCallMetrics {
  countCall(outcome: CatalogCallOutcome): void;
}

const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const catalogCallOutcomes: readonly CatalogCallOutcome[] = ['ok', 'error', 'timeout', 'breaker_open'];

// `initialCodes` get a zero sample up front so rate() over them is 0, not an empty result, before they first occur.
export function createServiceMetrics(service: string, initialCodes: readonly string[]): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'shop_requests_total',
    help: 'Requests answered, by HTTP status code (499: the client went away first). Probes and /metrics are not counted.',
    labelNames: ['service', 'code'] as const,
    registers: [registry],
  });
  for (const code of initialCodes) requests.inc({ service, code }, 0);
  const duration = new Histogram({
    name: 'shop_request_duration_seconds',
    help: 'Time to answer a request, probes and /metrics excluded.',
    labelNames: ['service'] as const,
    buckets: durationBuckets,
    registers: [registry],
  });
  duration.zero({ service });
  return { service, registry, requests, duration };
}

// The gauge is computed at scrape time because the breaker moves from open to half-open by the clock alone.
export function createCatalogCallMetrics(
  metrics: ServiceMetrics,
  isCircuitOpen: () => boolean,
): CatalogCallMetrics {
  const { service, registry } = metrics;
  const calls = new Counter({
    name: 'shop_catalog_calls_total',
    help: 'Calls from the storefront to the catalog, by outcome (breaker_open: not attempted).',
    labelNames: ['service', 'outcome'] as const,
    registers: [registry],
  });
  for (const outcome of catalogCallOutcomes) calls.inc({ service, outcome }, 0);
  new Gauge({
    name: 'shop_circuit_open',
    help: '1 while the circuit breaker in front of the catalog is open or half-open, else 0.',
    labelNames: ['service'] as const,
    registers: [registry],
    collect() {
      this.set({ service }, isCircuitOpen() ? 1 : 0);
    },
  });
  return { countCall: (outcome) => calls.inc({ service, outcome }) };
}
