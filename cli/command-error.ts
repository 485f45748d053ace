// The one error a command throws when it cannot go on, carrying its exit code; and what any other
// thrown value means for the process (an AdapterError, a LedgerError or anything unexpected: the
// environment failed, exit 6). Messages are built here only.
import { AdapterError } from '../src/adapters/adapter-error.ts';
import { ExitCode } from '../src/exit-codes.ts';
import { LedgerError } from '../src/ledger/ledger-error.ts';
import { reasonOf } from '../src/runner/reason-of.ts';
import { ReportDirectoryError } from '../src/runner/report-directory-error.ts';

export { reasonOf };

export class CommandError extends Error {
  readonly exitCode: number;

  /** `what` says what could not be done ("could not write the journal /x"); the cause says why. */
  constructor(exitCode: number, what: string, options: { cause?: unknown } = {}) {
    super(options.cause === undefined ? what : `${what}: ${reasonOf(options.cause)}`, {
      cause: options.cause,
    });
    this.name = 'CommandError';
    this.exitCode = exitCode;
  }
}

export type Failure = { exitCode: number; message: string; stack?: string };

export function failureOf(error: unknown): Failure {
  const stack = error instanceof Error ? stackOf(error) : undefined;
  if (error instanceof CommandError) return { exitCode: error.exitCode, message: error.message, stack };
  // A server or the ledger file failed us: their messages already say which and why.
  if (error instanceof ReportDirectoryError)
    return { exitCode: error.exitCode, message: error.message, stack };
  if (error instanceof AdapterError || error instanceof LedgerError)
    return { exitCode: ExitCode.environmentError, message: reasonOf(error), stack };
  return { exitCode: ExitCode.environmentError, message: `unexpected error: ${reasonOf(error)}`, stack };
}

// The stack of an error and of every cause below it.
function stackOf(error: Error): string {
  const own = error.stack ?? `${error.name}: ${error.message}`;
  return error.cause instanceof Error ? `${own}\ncaused by: ${stackOf(error.cause)}` : own;
}
