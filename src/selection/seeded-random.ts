// A seeded source of randomness, so that a recorded seed replays exactly the same pick.
import { randomInt } from 'node:crypto';

/** Returns a number in [0, 1). */
export type Random = () => number;

export const maxSeed = 0xffff_ffff;

// mulberry32: 32 bits of state, fast, and good enough to choose victims (not for secrets).
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function newSeed(): number {
  return randomInt(0, maxSeed + 1);
}

// One stream per fault: the seed mixed with the fault's name (FNV-1a), so that adding a fault or a
// pod elsewhere does not change another fault's pick.
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5;
  for (const char of label) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return (seed ^ hash) >>> 0;
}

// Parses a seed given on the command line: an integer from 0 to 2^32 - 1.
export function parseSeed(text: string): number | undefined {
  if (!/^[0-9]{1,10}$/.test(text)) return undefined;
  const seed = Number(text);
  return seed <= maxSeed ? seed : undefined;
}

// Partial Fisher–Yates over a copy sorted by key: the same seed and the same set (in any order)
// give the same pick. Returns min(count, items.length) items, in the order they were picked.
export function pickRandom<T>(
  items: readonly T[],
  count: number,
  random: Random,
  keyOf: (item: T) => string = String,
): T[] {
  const pool = [...items].sort((a, b) => compareText(keyOf(a), keyOf(b)));
  const take = Math.max(0, Math.min(Math.floor(count), pool.length));
  for (let index = 0; index < take; index += 1) {
    const other = index + Math.floor(random() * (pool.length - index));
    [pool[index], pool[other]] = [pool[other] as T, pool[index] as T];
  }
  return pool.slice(0, take);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
