import { type ChildProcess, spawn } from 'node:child_process';
import { projectRoot } from './sandbox-env.ts';

export type FaultlineProcess = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stderr (the progress log) matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>;
};

// Starts the real CLI (cli/faultline.ts on this Node) as a user would, with the sandbox's environment;
// `prefix` runs it under another program (e.g. `unshare --uts sh -c ...`).
export function startFaultline(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  prefix: string[] = [],
): FaultlineProcess {
  const [command = process.execPath, ...before] = [...prefix, process.execPath];
  const child = spawn(command, [...before, `${projectRoot}cli/faultline.ts`, ...args], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(err)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      if (pattern.test(err)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern} in faultline's output:\n${err}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        void exited.then(() => {
          clearTimeout(timer);
          if (!pattern.test(err))
            reject(new Error(`faultline exited before printing ${pattern}:\n${err}\n${out}`));
        });
      });
    },
  };
}

export async function runFaultline(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const run = startFaultline(args, env);
  const { exitCode } = await run.exited;
  return { exitCode, stdout: run.stdout(), stderr: run.stderr() };
}
