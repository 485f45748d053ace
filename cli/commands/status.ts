// `faultline status [FILE...]`: what every runner can see of the others — the live runs (from their
// Leases in the cluster and their claims and marks on the Toxiproxy servers), the orphans (faults of
// runs that are gone: what `faultline recover` would revert, found the way it finds them, nothing
// touched) and the halt, if one stands. Text, or `--output json`. Exit 0; 6 when a place could not
// be read (what was seen is printed all the same).
import { Command, Option } from 'commander';
import { systemClock } from '../../src/clock.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { formatLedgerProblem } from '../../src/ledger/fault-ledger.ts';
import { readHalt } from '../../src/registry/halt.ts';
import { seeRuns } from '../../src/registry/live-runs.ts';
import { recoverEverywhere } from '../../src/registry/recover-everywhere.ts';
import { describeTarget } from '../../src/registry/targets.ts';
import type { CommandContext } from '../cli-context.ts';
import { contextOption, kubeconfigOption, ledgerOption } from '../options.ts';
import { type PlaceFlags, resolvePlaces, toxiproxyOption } from '../runner-places.ts';
import { type RunnersStatus, statusText } from '../status-text.ts';
import { createTerminal, escapeJsonControl } from '../terminal.ts';

type StatusFlags = PlaceFlags & { output: 'text' | 'json' };

export function createStatusCommand(context: CommandContext): Command {
  return new Command('status')
    .description('live runs, orphans (what `recover` would revert) and the halt, as every runner sees them')
    .argument('[file...]', 'experiments whose Toxiproxy servers to look at (besides --toxiproxy)')
    .addOption(toxiproxyOption('look at this Toxiproxy server'))
    .addOption(ledgerOption())
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action(async (files: string[], flags: StatusFlags) => {
      const status = await readStatus(files, flags, context);
      if (flags.output === 'json')
        context.stdout.write(`${escapeJsonControl(JSON.stringify(status, null, 2))}\n`);
      else {
        const stdout = createTerminal(context.stdout, context.env);
        for (const line of statusText(status, stdout)) stdout.write(`${line}\n`);
      }
      const stderr = createTerminal(context.stderr, context.env);
      for (const error of status.errors) stderr.print(error);
      context.settle(status.errors.length > 0 ? ExitCode.environmentError : ExitCode.ok);
    });
}

export async function readStatus(
  files: readonly string[],
  flags: PlaceFlags,
  context: CommandContext,
): Promise<RunnersStatus> {
  const places = await resolvePlaces(files, flags, context, 'faultline (status)');
  const { runtime, scope, leases } = places;
  const now = systemClock.now();
  const seen = await seeRuns({
    leases,
    toxiproxy: runtime.toxiproxy,
    toxiproxyUrls: scope.toxiproxyUrls,
    now,
  });
  // What recover would do, judged the same way: nothing is reverted, nothing closed.
  const wouldRecover = await recoverEverywhere({
    ledger: runtime.ledger,
    context: { ...runtime, clock: systemClock },
    scope,
    timeoutMs: 0,
    leases,
    dryRun: true,
  });
  const halt = await readHalt({ leases, toxiproxies: scope.toxiproxyUrls.map(runtime.toxiproxy) });
  const orphans = new Map<string, RunnersStatus['orphans'][number]>();
  for (const item of wouldRecover.items)
    orphans.set(`${item.runId} ${item.description}`, {
      runId: item.runId,
      fault: item.description,
      source: item.source,
      why: item.why,
    });
  return {
    places: places.described,
    halt: halt.halt ? { ...halt.halt, where: halt.where } : null,
    haltReadEverywhere: halt.errors.length === 0,
    live: seen.runs
      .filter((run) => run.judgement.alive)
      .map((run) => ({
        runId: run.runId,
        experiment: run.experiment ?? null,
        host: run.host ?? null,
        pid: run.pid ?? null,
        deadline: run.deadline ? new Date(run.deadline).toISOString() : null,
        faults: run.faults,
        targets: run.targets.map(describeTarget),
        seenIn: run.seenIn,
        alive: run.judgement.why,
      })),
    orphans: [...orphans.values()],
    leftAlone: wouldRecover.leftAlone.map(({ entry, description, reason }) => ({
      runId: entry.runId,
      fault: description,
      reason,
    })),
    errors: [
      ...seen.errors,
      ...wouldRecover.scanErrors.filter((error) => !seen.errors.includes(error)),
      ...halt.errors.map((error) => `could not read the halt: ${error}`),
      ...wouldRecover.problems.map((problem) => `ledger: ${formatLedgerProblem(problem)}`),
    ],
  };
}
