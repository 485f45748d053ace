// A client-side rate: each call of the gate resolves at its own slot, slots 1/perSecond apart, in
// the order the calls came (no burst: a kill of 1 000 pods at 50/s takes 20 s whatever its
// concurrency). A gate that has been idle starts again at once. A caller whose signal aborts while
// it waits is let go at once (and must check its signal before it sends anything).
export type RateGate = (signal?: AbortSignal) => Promise<void>;

export function createRateGate(
  perSecond: number,
  now: () => number,
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
): RateGate {
  if (!(perSecond > 0)) throw new RangeError(`a rate must be above 0 per second, found ${perSecond}`);
  const intervalMs = 1_000 / perSecond;
  let nextSlot = Number.NEGATIVE_INFINITY;
  return async (signal) => {
    const slot = Math.max(now(), nextSlot);
    nextSlot = slot + intervalMs;
    const wait = slot - now();
    if (wait > 0) await sleep(wait, signal);
  };
}
