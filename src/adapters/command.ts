import { spawn } from 'node:child_process';
import { AdapterError } from './adapter-error.ts';

export type CommandOutput = { exitCode: number | null; stdout: string; stderr: string; timedOut: boolean };

// Runs a program without a shell; output is capped at 1 MiB per stream.
export function runCommand(
  argv: string[],
  options: { timeoutMs: number; env?: Record<string, string>; signal?: AbortSignal },
): Promise<CommandOutput> {
  const [program, ...args] = argv;
  if (!program) return Promise.reject(new AdapterError('command', 'invalid', 'an empty command'));
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const cap = 1 << 20;
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < cap) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < cap) stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT')
        reject(new AdapterError('command', 'not-found', `${program}: no such program`));
      else if (error.name === 'AbortError') resolve({ exitCode: null, stdout, stderr, timedOut });
      else reject(new AdapterError('command', 'other', error.message, { cause: error }));
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr, timedOut });
    });
  });
}
