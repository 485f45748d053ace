// Programs that are faults: started detached in a process group of their own (so they outlive the
// runner, and a revert stops the whole group), found again by a mark in their environment (so a
// revert needs no pid from before the inject), and stopped by group.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { AdapterError } from './adapter-error.ts';

/** The environment variable that marks a fault's processes (and everything they start). */
export const processMarkVariable = 'FAULTLINE_FAULT_MARK';

export type StartedProcess = { pid: number; exited: Promise<{ code: number | null; signal: string | null }> };

// Starts `argv` in its own session and process group, with the mark in its environment.
export function startMarkedProcess(
  argv: string[],
  mark: string,
  env: Record<string, string> = {},
): StartedProcess {
  const [program, ...args] = argv;
  if (!program) throw new AdapterError('command', 'invalid', 'an empty command');
  const child = spawn(program, args, {
    env: { ...process.env, ...env, [processMarkVariable]: mark },
    stdio: 'ignore',
    detached: true,
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new AdapterError('command', 'not-found', `${program}: no such program`)
          : new AdapterError('command', 'other', error.message, { cause: error }),
      ),
    );
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  child.unref();
  if (child.pid === undefined) {
    void exited.catch(() => undefined);
    return { pid: -1, exited };
  }
  return { pid: child.pid, exited };
}

// The process groups whose members carry `mark` in their environment (read from /proc).
export function findMarkedGroups(mark: string): number[] {
  const needle = `${processMarkVariable}=${mark}\0`;
  const groups = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (!`${environ}\0`.includes(needle)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'latin1');
      // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const group = Number(fields[2]);
      if (Number.isInteger(group) && group > 0) groups.add(group);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return [...groups];
}

export function signalGroup(group: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-group, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw new AdapterError(
      'command',
      'forbidden',
      `cannot signal process group ${group}: ${(error as Error).message}`,
    );
  }
}
