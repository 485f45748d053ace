// Who opened a ledger entry, precisely enough to tell later whether that process still runs: the
// host, the pid, the pid's start time (a pid is reused after its process ends) and the boot (pids
// start over after a reboot). Read from /proc on Linux; elsewhere only the pid and the host.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isRunInThisProcess } from './runs-in-process.ts';

export type ProcessIdentity = { pid: number; host: string; started?: string; boot?: string };

export type ProcessState = 'alive' | 'gone' | 'elsewhere';

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}

// Field 22 of /proc/<pid>/stat: the start time in clock ticks since boot. The command name (field 2)
// may hold spaces and parentheses, so fields are counted after its closing parenthesis.
function startTimeOf(pid: number): string | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

const bootId = (): string | undefined => readOr('/proc/sys/kernel/random/boot_id')?.trim();

export function currentProcess(): ProcessIdentity {
  const started = startTimeOf(process.pid);
  const boot = bootId();
  return { pid: process.pid, host: hostname(), ...(started ? { started } : {}), ...(boot ? { boot } : {}) };
}

// Whether the process that ran a run still runs it: only knowable on its own host. This very
// process (a daemon runs many runs, its sweep beside them) runs it only while the run is going.
export function processStateOf(writer: ProcessIdentity, runId: string): ProcessState {
  if (writer.host !== hostname()) return 'elsewhere';
  if (writer.boot !== undefined && bootId() !== undefined && writer.boot !== bootId()) return 'gone';
  if (
    writer.pid === process.pid &&
    (writer.started === undefined || writer.started === startTimeOf(process.pid))
  )
    return isRunInThisProcess(runId) ? 'alive' : 'gone';
  try {
    process.kill(writer.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  // The pid runs; it is the same process only if it started when the entry's writer did.
  if (writer.started !== undefined) {
    const started = startTimeOf(writer.pid);
    if (started !== undefined && started !== writer.started) return 'gone';
  }
  return 'alive';
}
