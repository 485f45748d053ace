import type { Diagnostic, Journal } from './public-types.ts';

// What the library throws when it cannot give a result: an experiment that is not valid (exit code 2,
// `diagnostics` say where), a server, the ledger or a file that failed (6), or a run that broke
// unexpectedly after reverting what it could (6, or 5 when something is left behind; `journal`
// says what was done). A run that ends, whatever its verdict, returns instead.
export class FaultlineError extends Error {
  /** What `faultline` would exit with: 2, 5 or 6. */
  readonly exitCode: number;
  readonly diagnostics: Diagnostic[];
  readonly journal: Journal | undefined;

  constructor(
    exitCode: number,
    message: string,
    details: { cause?: unknown; diagnostics?: Diagnostic[]; journal?: Journal } = {},
  ) {
    super(message, details.cause === undefined ? {} : { cause: details.cause });
    this.name = 'FaultlineError';
    this.exitCode = exitCode;
    this.diagnostics = details.diagnostics ?? [];
    this.journal = details.journal;
  }
}
