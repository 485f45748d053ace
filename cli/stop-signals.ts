// The signals that stop a run or the daemon: Ctrl-C (SIGINT), SIGTERM (a CI job cancelled, a pod
// deleted) and SIGHUP (the terminal closed). The first one stops; every later one only gets an
// answer, because stopping means reverting every fault and that must be allowed to finish.

export const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof stopSignals)[number];

/** Where signals come from: the process, or a test's EventEmitter. */
export type SignalSource = {
  on(event: StopSignal, listener: (signal: StopSignal) => void): unknown;
  off(event: StopSignal, listener: (signal: StopSignal) => void): unknown;
};

export type StopHandlers = {
  /** The first stop signal: abort the run, stop the daemon. */
  stop(signal: StopSignal): void;
  /** Every later one, while stopping goes on. */
  again(signal: StopSignal): void;
};

// Listens until the returned function is called, which removes every listener it added.
export function onStopSignals(source: SignalSource, handlers: StopHandlers): () => void {
  let received = 0;
  const listener = (signal: StopSignal) => {
    received++;
    if (received === 1) handlers.stop(signal);
    else handlers.again(signal);
  };
  for (const signal of stopSignals) source.on(signal, listener);
  return () => {
    for (const signal of stopSignals) source.off(signal, listener);
  };
}
