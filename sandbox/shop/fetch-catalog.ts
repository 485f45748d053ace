import { isProductList, type Product } from './product.ts';

export type CatalogCall =
  | { outcome: 'ok'; products: Product[] }
  | { outcome: 'error'; reason: string }
  | { outcome: 'timeout' };

// Never throws: every way the call can go wrong becomes an outcome. Without `timeoutMs` it waits as long as the catalog takes.
export async function fetchProducts(productsUrl: URL, timeoutMs?: number): Promise<CatalogCall> {
  const signal = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(productsUrl, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel();
      return { outcome: 'error', reason: `catalog answered ${response.status}` };
    }
    const body: unknown = await response.json();
    const products =
      typeof body === 'object' && body !== null ? (body as { products?: unknown }).products : undefined;
    if (!isProductList(products))
      return { outcome: 'error', reason: 'catalog answered without a product list' };
    return { outcome: 'ok', products };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') return { outcome: 'timeout' };
    return { outcome: 'error', reason: describeError(error) };
  }
}

// fetch() hides the useful part (ECONNREFUSED, ECONNRESET...) in `cause`.
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
