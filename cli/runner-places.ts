// Where the runners' shared state is looked for by `status`, `halt`, `resume` and `recover`: the
// cluster (the runs' Leases and the halt Lease, in the runners' namespace) when one is configured,
// and the Toxiproxy servers named by --toxiproxy, by the experiments given, else $TOXIPROXY_URL.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Option } from 'commander';
import type { LeaseStore } from '../src/adapters/kubernetes-leases.ts';
import { ExitCode } from '../src/exit-codes.ts';
import { countBySeverity, formatDiagnostic, sortDiagnostics } from '../src/experiment/diagnostic.ts';
import { loadExperiment } from '../src/experiment/load-experiment.ts';
import type { RecoveryScope } from '../src/faults/fault-driver.ts';
import { recoveryScopeOf } from '../src/faults/fault-drivers.ts';
import { buildRuntime } from '../src/runner/build-runtime.ts';
import type { Runtime } from '../src/runtime.ts';
import type { CliContext } from './cli-context.ts';
import { CommandError } from './command-error.ts';
import type { ClusterFlags, LedgerFlags } from './options.ts';
import { createTerminal } from './terminal.ts';

export type PlaceFlags = ClusterFlags & LedgerFlags & { toxiproxy?: string[] };

export type RunnerPlaces = {
  runtime: Runtime;
  scope: RecoveryScope;
  /** The runners' Leases, when a cluster is configured. */
  leases?: LeaseStore;
  /** The places, described: "cluster https://…, namespace faultline", "Toxiproxy http://…". */
  described: string[];
};

export function toxiproxyOption(what: string): Option {
  return new Option(
    '--toxiproxy <url>',
    `${what} (repeatable; default: the experiments' servers, else $TOXIPROXY_URL)`,
  ).argParser((value: string, previous: string[] = []) => [...previous, value]);
}

export async function resolvePlaces(
  files: readonly string[],
  flags: PlaceFlags,
  context: CliContext,
  userAgent: string,
): Promise<RunnerPlaces> {
  const fromFiles = await experimentScope(files, context);
  const named = flags.toxiproxy ?? [];
  const fallback = context.env.TOXIPROXY_URL && files.length === 0 ? [context.env.TOXIPROXY_URL] : [];
  const toxiproxyUrls = [
    ...new Set([...named, ...fromFiles.toxiproxyUrls, ...(named.length > 0 ? [] : fallback)]),
  ].map((url) => url.replace(/\/+$/, ''));
  const cluster = hasKubeconfig(flags.kubeconfig, context.env);
  const runtime = buildRuntime({ ...flags, env: context.env, userAgent, seed: 0 });
  const leases = cluster ? runtime.leases?.() : undefined;
  return {
    runtime,
    scope: { toxiproxyUrls, nodeCordons: cluster, cluster },
    ...(leases ? { leases } : {}),
    described: [
      ...(leases ? [`cluster ${leases.server}, namespace ${leases.namespace}`] : []),
      ...toxiproxyUrls.map((url) => `Toxiproxy ${url}`),
    ],
  };
}

// The Toxiproxy servers the experiments' faults act on. A file that is not a valid experiment is
// invalid input: its problems are printed, and nothing is read or written.
async function experimentScope(files: readonly string[], context: CliContext): Promise<RecoveryScope> {
  const stderr = createTerminal(context.stderr, context.env);
  const faults = [];
  for (const file of files) {
    const loaded = await loadExperiment(file, {
      vars: {},
      env: context.env,
      unresolved: 'error',
      kinds: ['Experiment'],
    });
    for (const diagnostic of sortDiagnostics(loaded.diagnostics))
      stderr.print(loaded.redact(formatDiagnostic(diagnostic)));
    if (!loaded.experiment || countBySeverity(loaded.diagnostics).errors > 0)
      throw new CommandError(ExitCode.invalidInput, `${file} is not a valid experiment`);
    faults.push(...loaded.experiment.spec.faults);
  }
  return recoveryScopeOf(faults);
}

// A cluster is configured when a kubeconfig is: --kubeconfig, $KUBECONFIG, in a pod, ~/.kube/config.
export function hasKubeconfig(explicit: string | undefined, env: CliContext['env']): boolean {
  if (explicit || env.KUBECONFIG || env.KUBERNETES_SERVICE_HOST) return true;
  return existsSync(join(env.HOME ?? homedir(), '.kube', 'config'));
}
