// Everything a command touches outside itself, handed down from the entry: the environment, the
// output streams and the signals. Commands never reach for `process`, so a test runs any of them
// in-process with in-memory streams and asserts its exit code and output.
import type { SignalSource } from './stop-signals.ts';
import type { OutputStream } from './terminal.ts';

export type CliContext = {
  env: Readonly<Record<string, string | undefined>>;
  stdout: OutputStream;
  stderr: OutputStream;
  signals: SignalSource;
};

/** What a command gets: the context, and the two ways it reports back to the entry. */
export type CommandContext = CliContext & {
  /** Commander drops what an action returns: a command hands its exit code here. */
  settle(exitCode: number): void;
  /** An experiment's redactor: the entry passes any error it prints through it as well. */
  hideSecrets(redact: (text: string) => string): void;
};

export function processContext(): CliContext {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr, signals: process };
}
