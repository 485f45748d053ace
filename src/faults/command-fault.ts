// command: a program that is the fault while it runs (`run`: started detached in a process group of
// its own and marked in its environment, stopped with its whole group at the revert), or a pair of
// programs (`inject`, then `revert`). Recorded in the ledger before anything starts, like every
// fault; the record names the host, since a process is reverted only where it runs.
import { hostname } from 'node:os';
import { runCommand } from '../adapters/command.ts';
import { findMarkedGroups, signalGroup, startMarkedProcess } from '../adapters/processes.ts';
import { parseDuration } from '../experiment/duration.ts';
import type { FaultAction, FaultDriver, PlanBase } from './fault-driver.ts';
import { markName } from './fault-marks.ts';
import type { UndoHandler } from './undo-record.ts';

export type CommandPlan = PlanBase<'command'> & {
  argv: string[];
  revert: string[] | undefined;
  host: string;
};

const defaultTimeoutMs = 30_000;
/** A `run` program that exits within this after its start failed to start the fault. */
const startGraceMs = 200;
const stopGraceMs = 5_000;

export const commandDriver: FaultDriver<'command', CommandPlan> = {
  async select(fault) {
    const { spec } = fault;
    const argv = spec.run ?? spec.inject ?? [];
    return {
      fault: fault.name,
      kind: 'command',
      argv,
      revert: spec.revert,
      host: hostname(),
      excluded: [],
      notes: [],
    };
  },
  blastRadius: (plan) => ({
    fault: plan.fault,
    pods: [],
    namespaces: [],
    nodes: [],
    workloads: [],
    proxies: [],
  }),
  async prepare(fault, plan, context) {
    const { spec } = fault;
    const timeoutMs = spec.timeout ? parseDuration(spec.timeout) : defaultTimeoutMs;
    if (spec.run) {
      const mark = markName({ runId: context.runId, deadline: context.deadline, name: fault.name });
      const action: FaultAction = {
        fault: fault.name,
        target: `process ${spec.run.join(' ')}`,
        undo: { kind: 'command-running', host: plan.host, mark, argv: spec.run },
        inject: async () => {
          const started = startMarkedProcess(spec.run ?? [], mark, spec.env);
          const early = await Promise.race([
            started.exited,
            context.clock.sleep(startGraceMs).then(() => undefined),
          ]);
          if (early && early.code !== 0)
            throw new Error(`${spec.run?.[0]} exited at once (${early.signal ?? `exit code ${early.code}`})`);
        },
      };
      return [action];
    }
    const inject = spec.inject ?? [];
    const revert = spec.revert ?? [];
    return [
      {
        fault: fault.name,
        target: `program ${inject.join(' ')}`,
        undo: { kind: 'command-revert', host: plan.host, argv: revert, env: spec.env ?? {}, timeoutMs },
        inject: () => runToSuccess(inject, spec.env, timeoutMs),
      },
    ];
  },
  recoveryScope: () => ({ toxiproxyUrls: [], nodeCordons: false, cluster: false }),
  describe: ({ spec }) =>
    spec.run
      ? `the program ${spec.run.join(' ')} running`
      : `${spec.inject?.join(' ')}, reverted by ${spec.revert?.join(' ')}`,
  planRows: (plan) => [
    {
      target: `host/${plan.host}`,
      effect: plan.argv.join(' '),
      status: plan.revert ? `revert: ${plan.revert.join(' ')}` : 'stopped at the revert',
    },
  ],
  dryRun: () => [],
  repeatEveryMs: () => undefined,
};

async function runToSuccess(argv: string[], env: Record<string, string> | undefined, timeoutMs: number) {
  const output = await runCommand(argv, { timeoutMs, env });
  if (output.timedOut) throw new Error(`${argv[0]} did not finish within ${timeoutMs} ms`);
  if (output.exitCode !== 0) {
    const said = (output.stderr || output.stdout).trim().split('\n').slice(-1)[0] ?? '';
    throw new Error(`${argv[0]} exited with ${output.exitCode}${said ? `: ${said}` : ''}`);
  }
}

const elsewhere = (host: string) =>
  host === hostname() ? undefined : `it runs on host ${host}; only a runner there can stop it`;

export const commandRunningUndo: UndoHandler<'command-running'> = {
  describe: (undo) => `the program ${undo.argv.join(' ')} running on ${undo.host}`,
  async revert(undo) {
    const groups = findMarkedGroups(undo.mark);
    if (groups.length === 0) return 'already-gone';
    for (const group of groups) signalGroup(group, 'SIGTERM');
    for (let waited = 0; waited < stopGraceMs && findMarkedGroups(undo.mark).length > 0; waited += 100)
      await pause(100);
    for (const group of findMarkedGroups(undo.mark)) signalGroup(group, 'SIGKILL');
    return 'reverted';
  },
  isReverted: async (undo) => findMarkedGroups(undo.mark).length === 0,
  outOfReach: (undo) => elsewhere(undo.host),
};

// A revert program cannot be read back: its exit code 0 is the confirmation.
export const commandRevertUndo: UndoHandler<'command-revert'> = {
  describe: (undo) => `the fault reverted by ${undo.argv.join(' ')} on ${undo.host}`,
  async revert(undo) {
    await runToSuccess(undo.argv, undo.env, undo.timeoutMs);
    return 'reverted';
  },
  isReverted: async () => true,
  outOfReach: (undo) => elsewhere(undo.host),
};

// Waiting for processes to end is real time, whatever clock the run uses.
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
