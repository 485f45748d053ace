// A process of the scale bench, with its spawn time (the start event both sides share), wall time and
// (under /usr/bin/time -v) peak RSS.
import { type ProcessResult, runProcess } from '../../test/helpers/run-process.ts';

export type Timed = ProcessResult & { startedAt: number; wallMs: number; maxRssKb?: number };

export async function timed(
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; measure?: boolean },
): Promise<Timed> {
  const [program, programArgs] = options.measure
    ? ['/usr/bin/time', ['-v', command, ...args]]
    : [command, args];
  const startedAt = performance.now();
  const result = await runProcess(program, programArgs, { ...options, timeoutMs: 15 * 60_000 });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1];
  return {
    ...result,
    startedAt,
    wallMs: performance.now() - startedAt,
    ...(rss ? { maxRssKb: Number(rss) } : {}),
  };
}

export function check(result: Timed, what: string, expected = 0) {
  if (result.exitCode !== expected)
    throw new Error(
      `${what} exited ${result.exitCode}:\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-2000)}`,
    );
}
