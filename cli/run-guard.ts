// A CLI run's dead man's switch: before its first inject, `faultline run` starts its guard (the same
// CLI, `faultline guard`) detached, in a session and process group of its own, so that neither
// kill -9 of the run nor of its process group reaches it, and waits for its `ready`. If the run
// dies, the guard reverts the run's faults at once (cli/commands/guard.ts); if the run ends
// normally, it says `done` and the guard exits. A guard that cannot start ends the run
// `not-started`, with nothing injected. The daemon's runs have no guard: its sweep does this job.
//
// How the guard learns of the death: the channel between them is a Unix socket pair, and the
// kernel closes the run's end when its process dies, however it dies. End-of-file is seen at
// once, needs no polling, and cannot be fooled by a reused pid (polling the pid's identity could
// be, and would cost a wake-up every interval and up to one interval of delay).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { recoveryScopeOf } from '../src/faults/fault-drivers.ts';
import { type ExecutedRun, type ExecuteRunRequest, executeRun } from '../src/runner/execute-run.ts';
import type { Runtime } from '../src/runtime.ts';
import type { CliContext } from './cli-context.ts';
import { reasonOf } from './command-error.ts';
import { type GuardOrders, guardChannelFd, guardLogFile, guardWords, lineReader } from './guard-protocol.ts';
import type { ClusterFlags } from './options.ts';
import { createTerminal } from './terminal.ts';

/** How long a guard may take to start: Node loads the CLI in a third of a second from the bundle,
 *  but over 10 s from the sources on a machine with 20 processes per core. */
const readyTimeoutMs = 60_000;
/** How long the run waits for its guard to exit once told `done`. */
const exitWaitMs = 2_000;

export type RunGuard = {
  pid: number | undefined;
  /** Resolves once the guard can revert the run's faults; rejects with why it cannot. */
  ready: Promise<void>;
  /** The run ended normally: the guard exits without doing anything (awaited, briefly). */
  dismiss(): Promise<void>;
};

// `faultline run` through its guard: executeRun, whose first inject waits for the guard's `ready`.
export async function executeGuardedRun(
  request: ExecuteRunRequest,
  runtime: Runtime,
  options: ClusterFlags & Pick<CliContext, 'env' | 'stderr'>,
): Promise<ExecutedRun> {
  const stderr = createTerminal(options.stderr, options.env, request.redact);
  const log = guardLogFile(runtime.ledger.file, request.runId);
  const guard = startRunGuard(
    {
      runId: request.runId,
      runPid: process.pid,
      ledger: runtime.ledger.file,
      ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context ? { context: options.context } : {}),
      scope: recoveryScopeOf(request.experiment.spec.faults),
      revertTimeoutMs: request.revertTimeoutMs ?? 60_000,
      log,
    },
    {
      env: options.env,
      onLost: (why) =>
        stderr.print(
          `warning: the run's guard ${why}: if this run is killed now, its faults stay until \`faultline recover\``,
        ),
    },
  );
  const beforeFirstInject = async () => {
    try {
      await guard.ready;
    } catch (error) {
      throw new Error(
        `its guard (which reverts the faults if the run dies) could not start: ${reasonOf(error)}`,
      );
    }
    stderr.print(`guard ${guard.pid} ready: if this run dies, it reverts the run's faults (log: ${log})`);
  };
  try {
    return await executeRun({ ...request, beforeFirstInject }, runtime);
  } finally {
    await guard.dismiss();
  }
}

export function startRunGuard(
  orders: GuardOrders,
  options: { env: CliContext['env']; onLost?: (why: string) => void },
): RunGuard {
  const child = spawn(process.execPath, [entryOfThisCli(), 'guard'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    env: { ...options.env },
  });
  child.unref();
  const channel = child.stdio[guardChannelFd] as Socket;
  const stderr = child.stderr as Socket;
  for (const stream of [channel, stderr]) {
    stream.unref();
    stream.on('error', () => {}); // a guard that is gone is seen by its exit
  }
  let said = '';
  stderr.on('data', (chunk: Buffer) => {
    said = `${said}${chunk.toString()}`.slice(-2_000);
  });
  const exited = new Promise<string>((resolve) => {
    child.on('error', (error) => resolve(`could not be started (${error.message})`));
    child.on('exit', (code, signal) => resolve(`exited (${signal ?? `exit code ${code}`})`));
  });
  let isReady = false;
  let dismissed = false;
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`it did not answer within ${readyTimeoutMs / 1000} s`)),
      readyTimeoutMs,
    );
    // Ref'd: while the run waits here, nothing else may hold its event loop (the guard is unref'd).
    channel.on(
      'data',
      lineReader((line) => {
        clearTimeout(timer);
        if (line === guardWords.ready) {
          isReady = true;
          resolve();
        } else reject(new Error(line.replace(`${guardWords.failed} `, '')));
      }),
    );
    void exited.then((how) => {
      clearTimeout(timer);
      const last = said.trim().split('\n').at(-1);
      reject(new Error(`it ${how} before it was ready${last ? `: ${last}` : ''}`));
      if (isReady && !dismissed) options.onLost?.(`(pid ${child.pid}) ${how}`);
    });
  });
  ready.catch(() => {}); // awaited by the run's first inject, if it gets that far
  channel.write(`${JSON.stringify(orders)}\n`);
  return {
    pid: child.pid,
    ready,
    async dismiss() {
      dismissed = true;
      if (isReady) channel.end(`${guardWords.done}\n`);
      else child.kill('SIGKILL'); // not ready: it has promised nothing, and stops loading at once
      // Ref'd while it lasts: the child and its streams are unref'd, and this wait must not be cut short.
      const waited = new AbortController();
      await Promise.race([exited, sleep(exitWaitMs, undefined, { signal: waited.signal }).catch(() => {})]);
      waited.abort();
      if (!isReady) removeLog(orders.log);
      channel.destroy();
      stderr.destroy();
    },
  };
}

// A log a guard that never got ready may have begun; where none can be, there is none to remove.
function removeLog(file: string) {
  try {
    rmSync(file, { force: true });
  } catch {}
}

// The CLI that is running now, to start its guard with: cli/faultline.ts beside this file in the
// sources; in the package, dist/faultline.js beside the chunk this code is bundled into.
function entryOfThisCli(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? './faultline.ts' : './faultline.js', here));
}
