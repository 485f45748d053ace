// Faultline's exit codes are a public API: documented in the README, never renumbered.
export const ExitCode = {
  /** The command succeeded (validate, plan, recover, report, init, schedule): nothing went wrong. */
  ok: 0,
  /** The steady-state hypothesis held before, during and after the faults. */
  held: 0,
  /** The hypothesis deviated during or after the faults. */
  deviated: 1,
  /** The input (experiment, schedule, flags) was invalid; nothing was injected. */
  invalidInput: 2,
  /**
   * The steady state was not met before the run, or the targets exceed a safety limit; nothing was
   * injected.
   */
  notStarted: 3,
  /**
   * An abort condition, a safety limit reached mid-run, or a signal (Ctrl-C, SIGTERM, SIGHUP)
   * stopped the run; every fault was reverted.
   */
  aborted: 4,
  /**
   * A fault could not be reverted, or a rollback failed: something may be left behind, and the
   * output says what.
   */
  revertFailed: 5,
  /**
   * The environment failed: a server unreachable, permission denied, a file that cannot be written
   * (the journal, the ledger), or any unexpected error. Never a verdict.
   */
  environmentError: 6,
} as const;

export type ExitCodeName = keyof typeof ExitCode;
