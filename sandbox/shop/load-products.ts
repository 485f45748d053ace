import type { CircuitBreaker } from './circuit-breaker.ts';
import { fetchProducts } from './fetch-catalog.ts';
import type { CatalogCallMetrics } from './metrics.ts';
import type { Product } from './product.ts';

export type PageContent =
  | { kind: 'products'; products: Product[] }
  | { kind: 'degraded' }
  | { kind: 'bad-gateway'; reason: string };

export type LoadProducts = () => Promise<PageContent>;

export interface ResilientOptions {
  productsUrl: URL;
  timeoutMs: number;
  breaker: CircuitBreaker;
  metrics: CatalogCallMetrics;
}

// Resilient: bounded by a timeout and a circuit breaker; any failure degrades the page instead of failing it.
export function createResilientLoader(options: ResilientOptions): LoadProducts {
  const { productsUrl, timeoutMs, breaker, metrics } = options;
  return async () => {
    if (!breaker.tryAcquire()) {
      metrics.countCall('breaker_open');
      return { kind: 'degraded' };
    }
    const call = await fetchProducts(productsUrl, timeoutMs);
    metrics.countCall(call.outcome);
    if (call.outcome === 'ok') {
      breaker.recordSuccess();
      return { kind: 'products', products: call.products };
    }
    breaker.recordFailure();
    return { kind: 'degraded' };
  };
}

// Fragile: waits as long as the catalog takes and passes any failure on as a 502.
export function createFragileLoader(productsUrl: URL, metrics: CatalogCallMetrics): LoadProducts {
  return async () => {
    const call = await fetchProducts(productsUrl);
    metrics.countCall(call.outcome);
    if (call.outcome === 'ok') return { kind: 'products', products: call.products };
    return { kind: 'bad-gateway', reason: call.outcome === 'error' ? call.reason : call.outcome };
  };
}
