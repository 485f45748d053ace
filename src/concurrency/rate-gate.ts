// A client-side rate: each call of the gate resolves at its own slot, slots 1/perSecond apart, in
// the order the calls came (no burst: a kill of 1 000 pods at 50/s takes 20 s whatever its
// concurrency). A gate that has been idle starts again at once.
export type RateGate = () => Promise<void>;

export function createRateGate(
  perSecond: number,
  now: () => number = () => performance.now(),
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): RateGate {
  if (!(perSecond > 0)) throw new RangeError(`a rate must be above 0 per second, found ${perSecond}`);
  const intervalMs = 1_000 / perSecond;
  let nextSlot = Number.NEGATIVE_INFINITY;
  return async () => {
    const slot = Math.max(now(), nextSlot);
    nextSlot = slot + intervalMs;
    const wait = slot - now();
    if (wait > 0) await sleep(wait);
  };
}
