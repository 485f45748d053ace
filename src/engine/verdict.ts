import { ExitCode } from '../exit-codes.ts';

export type Verdict = 'held' | 'deviated' | 'not-started' | 'aborted' | 'error';

export type Phase =
  | 'recover'
  | 'plan'
  | 'steady-state-before'
  | 'method'
  | 'revert'
  | 'rollbacks'
  | 'recovery'
  | 'steady-state-after'
  | 'done';

// The process exit code for a run's outcome: "could not revert" (a fault, or a rollback that
// failed) wins over every verdict.
export function exitCodeFor(verdict: Verdict, revertFailed: boolean, rollbackFailed = false): number {
  if (revertFailed || rollbackFailed) return ExitCode.revertFailed;
  switch (verdict) {
    case 'held':
      return ExitCode.held;
    case 'deviated':
      return ExitCode.deviated;
    case 'not-started':
      return ExitCode.notStarted;
    case 'aborted':
      return ExitCode.aborted;
    case 'error':
      return ExitCode.environmentError;
  }
}
