// `faultline recover`: reverts every fault left behind by a run that is gone, from the fault ledger,
// the cluster ledger on the runs' Leases and the marks faults carry. A live run's faults are listed
// with why it is judged alive, and left alone; `--force` reverts them too, with a warning naming the
// runs. Exit 0 when everything was reverted (or nothing was left), 5 when something could not be,
// 6 when a server could not be scanned.
import { Command, Option } from 'commander';
import { systemClock } from '../../src/clock.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { formatLedgerProblem } from '../../src/ledger/fault-ledger.ts';
import type { RecoverResult } from '../../src/ledger/recover.ts';
import { recoverEverywhere } from '../../src/registry/recover-everywhere.ts';
import { buildRuntime } from '../../src/runner/build-runtime.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import {
  type ClusterFlags,
  contextOption,
  kubeconfigOption,
  type LedgerFlags,
  ledgerOption,
  readDuration,
} from '../options.ts';
import { hasKubeconfig } from '../runner-places.ts';
import { createTerminal } from '../terminal.ts';

type RecoverFlags = ClusterFlags &
  LedgerFlags & {
    toxiproxy?: string[];
    nodes: boolean;
    force?: boolean;
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
    .option('--force', 'also revert the faults of live runs (their verdicts no longer mean anything)')
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
  const cluster = hasKubeconfig(flags.kubeconfig, context.env);
  const result = await recoverEverywhere({
    ledger: runtime.ledger,
    context: { ...runtime, clock: systemClock },
    scope: { toxiproxyUrls: urls, nodeCordons: flags.nodes && cluster, cluster },
    timeoutMs: flags.timeout,
    force: flags.force === true,
    // The runs' Leases: who is alive, and the ledgers of runs that are gone.
    ...(cluster ? { leases: runtime.leases?.() } : {}),
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
  const liveRuns = new Map(result.live.map((fault) => [fault.runId, fault.why]));
  for (const [runId, why] of liveRuns)
    stdout.print(
      `left alone: the live run ${runId} (${why}); \`faultline recover --force\` would revert its faults too`,
    );
  const forced = new Map(result.items.filter((i) => i.forced).map((i) => [i.runId, i.why]));
  for (const [runId, why] of forced)
    stderr.print(
      `warning: --force reverted the faults of the live run ${runId} (${why}): its verdict no longer means anything`,
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
