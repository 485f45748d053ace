// When each request of an open-model stream is due: request i is sent at t0 + offsetMs(i) whatever
// happened to the requests before it. A constant rate r gives offsetMs(i) = 1000 i / r. A linear
// ramp from r0 to r1 over D seconds has the arrival count N(t) = r0 t + (r1 - r0) t^2 / (2D); request
// i is due when N(t) = i, and at r1 after the ramp.

export type ArrivalRate = {
  /** Requests per second (at the start of the ramp, when there is one). */
  perSecond: number;
  /** A linear ramp from `perSecond` to `toPerSecond` over `overMs`, then `toPerSecond`. */
  ramp?: { toPerSecond: number; overMs: number };
};

export type ArrivalSchedule = {
  /** Milliseconds from the stream's start at which request i (from 0) is due. */
  offsetMs(index: number): number;
  /** The highest rate the stream reaches, per second. */
  peakPerSecond: number;
};

export function createArrivalSchedule(rate: ArrivalRate): ArrivalSchedule {
  const start = rate.perSecond;
  if (!rate.ramp || rate.ramp.overMs <= 0 || rate.ramp.toPerSecond === start) {
    if (!(start > 0)) throw new Error(`a constant rate must be above 0 per second, found ${start}`);
    return { offsetMs: (index) => (1000 * index) / start, peakPerSecond: start };
  }
  const end = rate.ramp.toPerSecond;
  if (!(start >= 0) || !(end >= 0) || (start === 0 && end === 0)) {
    throw new Error(`a ramp needs rates of at least 0 per second, not both 0; found ${start} to ${end}`);
  }
  const rampSeconds = rate.ramp.overMs / 1000;
  const slope = (end - start) / rampSeconds;
  const rampCount = ((start + end) / 2) * rampSeconds;
  return {
    offsetMs(index) {
      if (index === 0) return 0;
      if (index < rampCount) {
        // Solves start t + slope t^2 / 2 = index in the form that stays exact when slope is near 0.
        return (1000 * 2 * index) / (start + Math.sqrt(Math.max(0, start * start + 2 * slope * index)));
      }
      if (end === 0) return Number.POSITIVE_INFINITY;
      return 1000 * (rampSeconds + (index - rampCount) / end);
    },
    peakPerSecond: Math.max(start, end),
  };
}
