#!/usr/bin/env node
// The entry: the only place that ends the process. It waits for stdout and stderr to drain, then
// exits with the command's code, so nothing a finished command left open (kept-alive sockets,
// timers) holds the process and no output is cut off.
import module from 'node:module';

// Node caches compiled modules (and their stripped types) between runs: about a third of start-up.
module.enableCompileCache?.();
const { processContext } = await import('./cli-context.ts');
const { reportFailure, runCli } = await import('./run-cli.ts');

const context = processContext();
const argv = process.argv.slice(2);

// Output lost to a closed terminal or pipe (SIGHUP, `| head`) must not stop a run from reverting.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    void exitWith(reportFailure(error, context, { debug: argv.includes('--debug') }));
  });
}

await exitWith(await runCli(argv, context));

async function exitWith(exitCode: number): Promise<never> {
  const drained = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      stream.write('', () => resolve());
    });
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(exitCode);
}
