// The report directory cannot be made. Its own file so the CLI's one exit path (cli/command-error.ts)
// can know it without loading the run itself.
import { ExitCode } from '../exit-codes.ts';
import { reasonOf } from './reason-of.ts';

/** The report directory cannot be made: the run stops before anything is touched (exit 6). */
export class ReportDirectoryError extends Error {
  readonly exitCode = ExitCode.environmentError;

  constructor(directory: string, cause: unknown) {
    super(`could not create the report directory ${directory}: ${reasonOf(cause)}`, { cause });
    this.name = 'ReportDirectoryError';
  }
}
