export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures (errors or timeouts) that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before a single trial call is let through. */
  openMs: number;
  /** Milliseconds on any monotonic scale; injected so tests control time. */
  now: () => number;
}

export interface CircuitBreaker {
  /** Whether a call may go out now. In half-open, only one trial call at a time is let through. */
  tryAcquire(): boolean;
  recordSuccess(): void;
  recordFailure(): void;
  state(): CircuitState;
}

// Pure apart from the injected clock: no timers, the open -> half-open step is computed from now().
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { failureThreshold, openMs, now } = options;
  if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
    throw new RangeError(`failureThreshold must be an integer >= 1, got ${failureThreshold}`);
  }
  if (!Number.isFinite(openMs) || openMs < 0) throw new RangeError(`openMs must be >= 0, got ${openMs}`);

  let consecutiveFailures = 0;
  let openedAt: number | undefined;
  let trialStartedAt: number | undefined;

  const state = (): CircuitState => {
    if (openedAt === undefined) return 'closed';
    return now() - openedAt >= openMs ? 'half-open' : 'open';
  };

  // A trial that never reports back (which a caller with a timeout cannot do) would otherwise
  // hold the circuit half-open forever, so its slot expires after another openMs.
  const trialSlotFree = (): boolean => trialStartedAt === undefined || now() - trialStartedAt >= openMs;

  return {
    state,
    tryAcquire() {
      const current = state();
      if (current === 'closed') return true;
      if (current === 'open' || !trialSlotFree()) return false;
      trialStartedAt = now();
      return true;
    },
    recordSuccess() {
      consecutiveFailures = 0;
      openedAt = undefined;
      trialStartedAt = undefined;
    },
    recordFailure() {
      consecutiveFailures += 1;
      const current = state();
      if (current === 'half-open') {
        openedAt = now();
        trialStartedAt = undefined;
      } else if (current === 'closed' && consecutiveFailures >= failureThreshold) {
        openedAt = now();
      }
    },
  };
}
