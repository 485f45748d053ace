import { AdapterError } from '../adapters/adapter-error.ts';
import { runCommand } from '../adapters/command.ts';
import type { CommandProbeSpec, ExpectSpec } from '../experiment/schema.ts';
import { checkTolerance, hasTolerance } from '../hypothesis/tolerance.ts';
import type { ProbeResult } from './probe-context.ts';

// A process for everything else: judged on its exit code (0 unless `expect.exitCode` says otherwise),
// its output, or its output read as a number against a tolerance.
export async function sampleCommand(
  spec: CommandProbeSpec,
  expect: ExpectSpec,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  let output: Awaited<ReturnType<typeof runCommand>>;
  try {
    output = await runCommand(spec.run, { timeoutMs, env: spec.env, signal });
  } catch (error) {
    if (error instanceof AdapterError) return { outcome: 'error', detail: error.message };
    throw error;
  }
  if (output.timedOut)
    return { outcome: 'timeout', detail: `${spec.run[0]} did not finish within ${timeoutMs} ms` };
  const problems: string[] = [];
  const wantedExit = expect.exitCode ?? 0;
  if (output.exitCode !== wantedExit) problems.push(`exit code ${output.exitCode}, expected ${wantedExit}`);
  if (expect.outputMatches && !new RegExp(expect.outputMatches).test(output.stdout)) {
    problems.push(`output does not match /${expect.outputMatches}/`);
  }
  const text = output.stdout.trim();
  let value: number | string = text.length <= 200 ? text : `${text.slice(0, 200)}…`;
  if (hasTolerance(expect)) {
    const check = checkTolerance(text, expect);
    if (!check.ok) problems.push(`output ${JSON.stringify(value)}, expected ${check.expected}`);
    if (text !== '' && !Number.isNaN(Number(text))) value = Number(text);
  }
  return problems.length === 0
    ? { outcome: 'ok', value, detail: `exit code ${output.exitCode}` }
    : { outcome: 'out-of-tolerance', value, detail: problems.join('; ') };
}
