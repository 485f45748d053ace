// `faultline guard` (hidden): the dead man's switch of one run, started by `faultline run` in a
// session of its own (cli/run-guard.ts). It reads its orders on its channel (guard-protocol.ts),
// prepares everything a revert needs (the ledger, the clients, its log) and answers `ready`; then it
// waits. `done` from the run: it exits and leaves nothing behind. End-of-file without `done`: the
// run's process is gone (kill -9, a crash, an OOM kill), so it reverts that run's faults at once
// with recoverEverywhere (the ledger file, the cluster ledger on the run's Lease, the marks), looks
// once more a second later (an inject the run had sent just before it died may land after the
// first pass), writes what it did to its log and exits.
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { dirname } from 'node:path';
import type { Duplex } from 'node:stream';
import { Command } from 'commander';
import type { LeaseStore } from '../../src/adapters/kubernetes-leases.ts';
import { systemClock } from '../../src/clock.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { formatLedgerProblem } from '../../src/ledger/fault-ledger.ts';
import type { RecoverResult } from '../../src/ledger/recover.ts';
import { revertWithRetry } from '../../src/ledger/revert-with-retry.ts';
import { recoverEverywhere } from '../../src/registry/recover-everywhere.ts';
import { runLeaseName } from '../../src/registry/run-lease.ts';
import { buildRuntime } from '../../src/runner/build-runtime.ts';
import type { Runtime } from '../../src/runtime.ts';
import type { CliContext, CommandContext } from '../cli-context.ts';
import { reasonOf } from '../command-error.ts';
import { type GuardOrders, guardChannelFd, guardWords, lineReader } from '../guard-protocol.ts';

/** How long after the first pass the guard looks again, for an inject that landed late. */
const secondLookMs = 1_000;

export function createGuardCommand(context: CommandContext): Command {
  return new Command('guard')
    .description("(internal) a run's dead man's switch: reverts the run's faults when its process dies")
    .action(async () => {
      context.settle(await guardRun(new Socket({ fd: guardChannelFd }), context.env));
    });
}

type Prepared = { orders: GuardOrders; runtime: Runtime; leases?: LeaseStore };

export async function guardRun(channel: Duplex, env: CliContext['env']): Promise<number> {
  const incoming = listen(channel);
  const first = await incoming.next();
  if (first === undefined) return ExitCode.environmentError; // the run died before it said anything
  let prepared: Prepared;
  try {
    prepared = prepare(JSON.parse(first) as GuardOrders, env);
  } catch (error) {
    channel.end(`${guardWords.failed} ${reasonOf(error).replaceAll('\n', ' ')}\n`);
    return ExitCode.environmentError;
  }
  await warmUp(prepared);
  channel.write(`${guardWords.ready}\n`);
  const word = await incoming.next();
  if (word === guardWords.done) {
    channel.end();
    rmSync(prepared.orders.log, { force: true }); // it was ready, so its log was written there
    return ExitCode.ok;
  }
  return revertTheDeadRun(prepared);
}

// Everything a revert needs, made now so that a run that dies is reverted without delay: the log
// (a line saying whom it guards), the ledger, the clients (the kubeconfig read when the run acts
// on a cluster). Throws what stops the guard from doing its job.
function prepare(orders: GuardOrders, env: CliContext['env']): Prepared {
  try {
    mkdirSync(dirname(orders.log), { recursive: true });
    appendFileSync(
      orders.log,
      `${stamp()} guarding run ${orders.runId} (pid ${orders.runPid}); ledger ${orders.ledger}\n`,
    );
  } catch (error) {
    throw new Error(`cannot write its log ${orders.log}: ${reasonOf(error)}`);
  }
  const runtime = buildRuntime({
    ledger: orders.ledger,
    kubeconfig: orders.kubeconfig,
    context: orders.context,
    env,
    seed: 0,
    userAgent: 'faultline (guard)',
  });
  const leases = orders.scope.cluster ? runtime.leases?.() : undefined;
  return { orders, runtime, ...(leases ? { leases } : {}) };
}

// One read from each server the revert will use: the clients' code paths compiled and their
// connections (TLS included) opened now, not in the revert's time. A server that does not answer
// yet is no reason to refuse: the revert retries.
async function warmUp({ orders, runtime, leases }: Prepared): Promise<void> {
  const reads: Promise<unknown>[] = orders.scope.toxiproxyUrls.map((url) =>
    runtime.toxiproxy(url).listProxies(),
  );
  if (leases) reads.push(leases.get(runLeaseName(orders.runId)));
  if (orders.scope.cluster || orders.scope.nodeCordons)
    reads.push(runtime.kubernetes().listNodes(undefined, 'spec.unschedulable=true'));
  await Promise.allSettled(reads);
}

async function revertTheDeadRun({ orders, runtime, leases }: Prepared): Promise<number> {
  // A log that cannot be written stops no revert.
  const log = (line: string) => {
    try {
      appendFileSync(orders.log, `${stamp()} ${line}\n`);
    } catch {}
  };
  const startedAt = Date.now();
  log(`the run's process ${orders.runPid} is gone (its channel closed without "done"): reverting its faults`);
  const options = {
    ledger: runtime.ledger,
    context: { toxiproxy: runtime.toxiproxy, kubernetes: runtime.kubernetes, clock: systemClock },
    scope: orders.scope,
    timeoutMs: orders.revertTimeoutMs,
    onlyRuns: new Set([orders.runId]),
    ...(leases ? { leases } : {}),
  };
  const first = await recoverEverywhere(options);
  logResult(log, first);
  log(`first pass done in ${Date.now() - startedAt} ms`);
  await systemClock.sleep(secondLookMs);
  let failed = first.items.some((item) => !item.ok);
  for (const item of first.items.filter((i) => i.ok)) {
    const again = await revertWithRetry(item.undo, options.context, { timeoutMs: orders.revertTimeoutMs });
    if (!again.ok) failed = true;
    if (!again.ok || again.outcome === 'reverted')
      log(`second look: ${item.description}: ${again.ok ? 'in place again, reverted' : again.lastError}`);
  }
  const second = await recoverEverywhere(options);
  logResult(log, second);
  failed ||= second.items.some((item) => !item.ok);
  log(`done in ${Date.now() - startedAt} ms${failed ? '; SOMETHING IS LEFT: run `faultline recover`' : ''}`);
  return failed ? ExitCode.revertFailed : ExitCode.ok;
}

function logResult(log: (line: string) => void, result: RecoverResult) {
  for (const item of result.items)
    log(`${item.ok ? 'reverted' : 'FAILED  '} ${item.description} (${item.source}: ${item.detail})`);
  for (const { description, reason } of result.leftAlone) log(`left     ${description}: ${reason}`);
  for (const problem of result.scanErrors) log(`problem  ${problem}`);
  for (const problem of result.problems) log(`ledger   ${formatLedgerProblem(problem)}`);
}

const stamp = () => new Date().toISOString();

// The lines the run sends, one at a time; undefined once its end is closed (or broken).
function listen(channel: Duplex) {
  const lines: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  channel.on(
    'data',
    lineReader((line) => {
      lines.push(line);
      notify();
    }),
  );
  for (const event of ['end', 'close', 'error'])
    channel.on(event, () => {
      closed = true;
      notify();
    });
  return {
    async next(): Promise<string | undefined> {
      while (lines.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
      return lines.shift();
    },
  };
}
