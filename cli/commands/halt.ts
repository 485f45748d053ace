// `faultline halt [--reason TEXT]` and `faultline resume`: the emergency stop, written where every
// runner already looks (the cluster's halt Lease, a disabled proxy `faultline-halt` on each Toxiproxy
// server) and removed from there. Every live run reads it once per sampling interval and aborts,
// reverting its faults; a run started while it stands is not-started; the daemon fires nothing.
// Each place is written on its own: one that cannot be reached stops none of the others (exit 6,
// naming it). No place at all is invalid input (exit 2).
import { hostname, userInfo } from 'node:os';
import { Command } from 'commander';
import type { LeaseStore } from '../../src/adapters/kubernetes-leases.ts';
import type { ToxiproxyAdapter } from '../../src/adapters/toxiproxy.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { clearHalt, type Halt, type HaltPlaces, writeHalt } from '../../src/registry/halt.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { CommandError, reasonOf } from '../command-error.ts';
import { contextOption, kubeconfigOption } from '../options.ts';
import { type PlaceFlags, resolvePlaces, toxiproxyOption } from '../runner-places.ts';
import { createTerminal } from '../terminal.ts';

type HaltFlags = PlaceFlags & { reason: string };

export function createHaltCommand(context: CommandContext): Command {
  return new Command('halt')
    .description('emergency stop: every live run aborts and reverts, no run starts, the daemon fires nothing')
    .argument('[file...]', 'experiments whose Toxiproxy servers get the halt too (besides --toxiproxy)')
    .option('--reason <text>', 'why, shown to every run it stops', 'no reason given')
    .addOption(toxiproxyOption('also halt on this Toxiproxy server'))
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .action(async (files: string[], flags: HaltFlags) => {
      const halt: Halt = { reason: flags.reason, by: whoAmI(context.env), at: new Date().toISOString() };
      context.settle(
        await eachPlace(files, flags, context, 'halt', (places) => writeHalt(places, halt), 'halt written'),
      );
    });
}

export function createResumeCommand(context: CommandContext): Command {
  return new Command('resume')
    .description('lift the halt: runs may start again and the daemon fires again')
    .argument('[file...]', 'experiments whose Toxiproxy servers to lift it from (besides --toxiproxy)')
    .addOption(toxiproxyOption('also lift the halt on this Toxiproxy server'))
    .addOption(kubeconfigOption())
    .addOption(contextOption())
    .action(async (files: string[], flags: PlaceFlags) => {
      context.settle(await eachPlace(files, flags, context, 'resume', clearHalt, 'halt removed'));
    });
}

// Does the work at each place on its own, printing what was done where and what failed.
async function eachPlace(
  files: readonly string[],
  flags: PlaceFlags,
  context: CliContext,
  command: 'halt' | 'resume',
  work: (places: HaltPlaces) => Promise<string[]>,
  done: string,
): Promise<number> {
  const { leases, scope, runtime } = await resolvePlaces(files, flags, context, `faultline (${command})`);
  const places: { name: string; leases?: LeaseStore; toxiproxy?: ToxiproxyAdapter }[] = [
    ...(leases ? [{ name: `the cluster ${leases.server}`, leases }] : []),
    ...scope.toxiproxyUrls.map((url) => ({ name: `Toxiproxy ${url}`, toxiproxy: runtime.toxiproxy(url) })),
  ];
  if (places.length === 0)
    throw new CommandError(
      ExitCode.invalidInput,
      `nowhere to ${command === 'halt' ? 'write' : 'lift'} the halt: no cluster configured and no Toxiproxy server (give an experiment file, --toxiproxy URL, $TOXIPROXY_URL or a kubeconfig)`,
    );
  const stdout = createTerminal(context.stdout, context.env);
  const stderr = createTerminal(context.stderr, context.env);
  let failed = 0;
  for (const place of places) {
    try {
      const changed = await work({
        ...(place.leases ? { leases: place.leases } : {}),
        toxiproxies: place.toxiproxy ? [place.toxiproxy] : [],
      });
      if (changed.length === 0) stdout.print(`no halt stood at ${place.name}`);
      for (const where of changed) stdout.print(`${done}: ${where}`);
    } catch (error) {
      failed++;
      stderr.print(`could not ${command} at ${place.name}: ${reasonOf(error)}`);
    }
  }
  return failed > 0 ? ExitCode.environmentError : ExitCode.ok;
}

// Who halted, for every run it stops: the user and the machine.
function whoAmI(env: CliContext['env']): string {
  let user = env.USER ?? env.LOGNAME;
  try {
    user ??= userInfo().username;
  } catch {
    user ??= `uid ${process.getuid?.() ?? '?'}`;
  }
  return `${user}@${hostname()}`;
}
