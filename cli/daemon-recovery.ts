// What the daemon does between fires to keep the house clean: at takeover and every sweep it
// reverts the faults of runs that are gone (its ledger file, the runs' Leases in its cluster, the
// marks on its experiments' targets), and it reads the halt marker before each fire.

import { runLeases } from '../src/engine/run-leases.ts';
import type { Experiment } from '../src/experiment/experiment.ts';
import type { Schedule } from '../src/experiment/schedule-schema.ts';
import { recoveryScopeOf } from '../src/faults/fault-drivers.ts';
import { readHalt } from '../src/registry/halt.ts';
import { recoverEverywhere } from '../src/registry/recover-everywhere.ts';
import { buildRuntime } from '../src/runner/build-runtime.ts';
import type { Log } from '../src/schedule/json-log.ts';
import type { ClusterFlags, LedgerFlags } from './options.ts';

export type DaemonRecovery = {
  /** Reverts what runs that are gone left behind; logs what it did (and a problem once, not every sweep). */
  recover: () => Promise<void>;
  /** The halt's reason, while one stands where the experiments' targets (or the daemon's cluster) are. */
  halted: () => Promise<string | undefined>;
};

export function createDaemonRecovery(options: {
  schedule: Schedule;
  experiments: readonly Experiment[];
  connection: ClusterFlags & LedgerFlags;
  env: NodeJS.ProcessEnv;
  revertTimeoutMs: number;
  log: Log;
}): DaemonRecovery {
  const { log } = options;
  const runtime = {
    ...buildRuntime({ ...options.connection, env: options.env, seed: 0, userAgent: 'faultline (schedule)' }),
    announceInCluster: options.schedule.spec.lease !== undefined,
  };
  const scope = recoveryScopeOf(options.experiments.flatMap((experiment) => experiment.spec.faults));
  // Where the daemon's runs keep their Leases (the same rule as theirs, see createRunEntry).
  const leases = runLeases(scope, runtime);
  let lastProblems = '';
  return {
    async recover() {
      const result = await recoverEverywhere({
        ledger: runtime.ledger,
        context: runtime,
        scope,
        timeoutMs: options.revertTimeoutMs,
        leases,
      });
      for (const item of result.items)
        log(item.ok ? 'info' : 'error', `recovered: ${item.description}`, {
          ok: item.ok,
          source: item.source,
          detail: item.detail,
          runId: item.runId,
          why: item.why,
        });
      const problems = [
        ...result.scanErrors,
        ...result.problems.map((p) => `ledger: ${p.file}:${p.line}: ${p.reason}`),
      ];
      const joined = problems.join('\n');
      if (joined !== lastProblems) for (const problem of problems) log('warn', problem);
      lastProblems = joined;
    },
    async halted() {
      const state = await readHalt({ leases, toxiproxies: scope.toxiproxyUrls.map(runtime.toxiproxy) });
      return state.halt ? `halted by ${state.halt.by} at ${state.halt.at}: ${state.halt.reason}` : undefined;
    },
  };
}
