// `faultline recover`: reverts every fault left behind by a run that died, from the fault ledger
// and from the marks faults carry. Exit 0 when everything was reverted (or nothing was left),
// 5 when something could not be, 6 when a server could not be scanned.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { systemClock } from '../../src/clock.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { formatLedgerProblem } from '../../src/ledger/fault-ledger.ts';
import { type RecoverResult, recoverFaults } from '../../src/ledger/recover.ts';
import { buildRuntime } from '../build-runtime.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import {
  type ClusterFlags,
  contextOption,
  kubeconfigOption,
  type LedgerFlags,
  ledgerOption,
  readDuration,
} from '../options.ts';
import { createTerminal } from '../terminal.ts';

type RecoverFlags = ClusterFlags &
  LedgerFlags & {
    toxiproxy?: string[];
    nodes: boolean;
    /** Milliseconds. */
    timeout: number;
  };

export function createRecoverCommand(context: CommandContext): Command {
  return new Command('recover')
    .description('revert every fault left behind: open ledger entries, and orphans found by their marks')
    .addOption(ledgerOption())
    .option(
      '--toxiproxy <url>',
      'also scan this Toxiproxy server for marked toxics (repeatable; default $TOXIPROXY_URL)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--no-nodes', 'do not scan Kubernetes nodes for cordons left by Faultline')
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .addOption(
      new Option('--timeout <duration>', 'how long to keep retrying each revert')
        .argParser(readDuration)
        .default(60_000, '60s'),
    )
    .action(async (flags: RecoverFlags) => {
      context.settle(await recover(flags, context));
    });
}

async function recover(flags: RecoverFlags, context: CliContext): Promise<number> {
  const runtime = buildRuntime({ ...flags, env: context.env, userAgent: 'faultline (recover)', seed: 0 });
  const urls = flags.toxiproxy ?? (context.env.TOXIPROXY_URL ? [context.env.TOXIPROXY_URL] : []);
  const result = await recoverFaults({
    ledger: runtime.ledger,
    context: { ...runtime, clock: systemClock },
    scope: {
      toxiproxyUrls: urls,
      nodeCordons: flags.nodes && hasKubeconfig(flags.kubeconfig, context.env),
      cluster: hasKubeconfig(flags.kubeconfig, context.env),
    },
    timeoutMs: flags.timeout,
  });
  printRecovered(result, context);
  if (hasUnrevertable(result) || result.items.some((i) => !i.ok)) return ExitCode.revertFailed;
  if (result.scanErrors.length > 0) return ExitCode.environmentError;
  return ExitCode.ok;
}

function printRecovered(result: RecoverResult, context: CliContext) {
  const stdout = createTerminal(context.stdout, context.env);
  const stderr = createTerminal(context.stderr, context.env);
  for (const item of result.items)
    stdout.print(`${item.ok ? 'reverted' : 'FAILED  '} ${item.description} (${item.source}: ${item.detail})`);
  for (const fault of result.live)
    stdout.print(
      `live     ${fault.description} of run ${fault.runId} (${fault.source}): left alone, ${fault.why}`,
    );
  for (const { description, reason } of result.leftAlone) stdout.print(`left     ${description}: ${reason}`);
  for (const problem of result.scanErrors) stderr.print(problem);
  for (const problem of result.problems) stderr.print(`ledger: ${formatLedgerProblem(problem)}`);
  if (result.items.length === 0 && !hasUnrevertable(result)) stdout.print('nothing to recover');
}

// An open entry this Faultline cannot revert (an unknown undo kind) may be a fault still in place.
function hasUnrevertable(result: RecoverResult): boolean {
  return result.problems.some((problem) => problem.entry !== undefined);
}

// Nodes are scanned only where a cluster is configured; a laptop without one recovers Toxiproxy alone.
function hasKubeconfig(explicit: string | undefined, env: CliContext['env']): boolean {
  if (explicit || env.KUBECONFIG || env.KUBERNETES_SERVICE_HOST) return true;
  return existsSync(join(env.HOME ?? homedir(), '.kube', 'config'));
}
