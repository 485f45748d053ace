// Request rates as the experiment format writes them: `200/s`, `12000/m`, `0.5/s`, `3600/h`, or a
// plain number of requests per second.
const unitSeconds = { s: 1, m: 60, h: 3_600 } as const;

export const ratePattern = '^[0-9]+(\\.[0-9]+)?/(s|m|h)$';
const rateExpression = /^([0-9]+(?:\.[0-9]+)?)\/(s|m|h)$/;

/** Requests per second, or undefined when the value is not a rate. */
export function tryParseRate(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = rateExpression.exec(value);
  if (!match) return undefined;
  const [, count = '', unit = 's'] = match;
  return Number(count) / unitSeconds[unit as keyof typeof unitSeconds];
}

export function parseRate(value: string | number): number {
  const perSecond = tryParseRate(value);
  if (perSecond === undefined)
    throw new RangeError(`expected a rate such as 200/s or 12000/m, found ${JSON.stringify(value)}`);
  return perSecond;
}

// "200/s", "0.5/s": how reports and `plan` write a rate.
export function formatRate(perSecond: number): string {
  return `${Number(perSecond.toPrecision(6))}/s`;
}
