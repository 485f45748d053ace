export interface Product {
  id: string;
  name: string;
  priceCents: number;
}

// The storefront trusts nothing that crosses the network: a malformed catalog answer is a failed call.
export function isProductList(value: unknown): value is Product[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as Record<string, unknown>).id === 'string' &&
        typeof (item as Record<string, unknown>).name === 'string' &&
        typeof (item as Record<string, unknown>).priceCents === 'number',
    )
  );
}
