// The CLI run in-process, as the entry runs it but with in-memory streams and signals: a test
// asserts the exit code and exactly what was printed, with no child process.
import { EventEmitter } from 'node:events';
import type { CliContext } from '../../cli/cli-context.ts';
import { runCli } from '../../cli/run-cli.ts';
import type { OutputStream } from '../../cli/terminal.ts';

export type MemoryStream = OutputStream & { text(): string };

export function memoryStream(options: { isTTY?: boolean; columns?: number } = {}): MemoryStream {
  const chunks: string[] = [];
  return {
    isTTY: options.isTTY ?? false,
    columns: options.columns ?? 200,
    write(text, callback) {
      chunks.push(text);
      callback?.();
      return true;
    },
    text: () => chunks.join(''),
  };
}

export type InProcessRun = {
  signals: EventEmitter;
  stdout: MemoryStream;
  stderr: MemoryStream;
  done: Promise<{ exitCode: number; stdout: string; stderr: string }>;
};

export function startInProcess(
  args: string[],
  options: { env?: Record<string, string | undefined>; tty?: boolean } = {},
): InProcessRun {
  const signals = new EventEmitter();
  const stdout = memoryStream({ isTTY: options.tty });
  const stderr = memoryStream({ isTTY: options.tty });
  const context: CliContext = { env: options.env ?? {}, stdout, stderr, signals };
  const done = runCli(args, context).then((exitCode) => ({
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
  }));
  return { signals, stdout, stderr, done };
}

export function runInProcess(
  args: string[],
  options: { env?: Record<string, string | undefined>; tty?: boolean } = {},
) {
  return startInProcess(args, options).done;
}
