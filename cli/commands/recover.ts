import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { systemClock } from '../../src/clock.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { parseDuration } from '../../src/experiment/duration.ts';
import { formatLedgerProblem } from '../../src/ledger/fault-ledger.ts';
import { recoverFaults } from '../../src/ledger/recover.ts';
import { buildRuntime } from '../build-runtime.ts';

type RecoverFlags = {
  ledger?: string;
  toxiproxy?: string[];
  nodes: boolean;
  kubeconfig?: string;
  context?: string;
  timeout: string;
};

export function createRecoverCommand(): Command {
  return new Command('recover')
    .description('revert every fault left behind: open ledger entries, and orphans found by their marks')
    .option(
      '--ledger <file>',
      'the fault ledger file (default $FAULTLINE_LEDGER or ~/.local/state/faultline/ledger.jsonl)',
    )
    .option(
      '--toxiproxy <url>',
      'also scan this Toxiproxy server for marked toxics (repeatable; default $TOXIPROXY_URL)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--no-nodes', 'do not scan Kubernetes nodes for cordons left by Faultline')
    .option('--kubeconfig <file>', 'kubeconfig file')
    .option('--context <name>', 'kubeconfig context')
    .option('--timeout <duration>', 'how long to keep retrying each revert', '60s')
    .action(async (flags: RecoverFlags) => {
      const runtime = buildRuntime({ ...flags, userAgent: 'faultline (recover)', seed: 0 });
      const urls = flags.toxiproxy ?? (process.env.TOXIPROXY_URL ? [process.env.TOXIPROXY_URL] : []);
      const result = await recoverFaults({
        ledger: runtime.ledger,
        context: { ...runtime, clock: systemClock },
        scope: {
          toxiproxyUrls: urls,
          nodeCordons: flags.nodes && hasKubeconfig(flags.kubeconfig),
          cluster: hasKubeconfig(flags.kubeconfig),
        },
        timeoutMs: parseDuration(flags.timeout),
      });
      for (const item of result.items) {
        console.log(
          `${item.ok ? 'reverted' : 'FAILED  '} ${item.description} (${item.source}: ${item.detail})`,
        );
      }
      for (const fault of result.live)
        console.log(
          `live     ${fault.description} of run ${fault.runId} (${fault.source}): left alone, ${fault.why}`,
        );
      for (const { description, reason } of result.leftAlone)
        console.log(`left     ${description}: ${reason}`);
      for (const problem of result.scanErrors) console.error(problem);
      for (const problem of result.problems) console.error(`ledger: ${formatLedgerProblem(problem)}`);
      // An open entry this Faultline cannot revert may be a fault still in place.
      const unrevertable = result.problems.some((problem) => problem.entry !== undefined);
      if (result.items.length === 0 && !unrevertable) console.log('nothing to recover');
      if (unrevertable || result.items.some((i) => !i.ok)) process.exitCode = ExitCode.revertFailed;
      else if (result.scanErrors.length > 0) process.exitCode = ExitCode.environmentError;
    });
}

// Nodes are scanned only where a cluster is configured; a laptop without one recovers Toxiproxy alone.
function hasKubeconfig(explicit: string | undefined): boolean {
  if (explicit || process.env.KUBECONFIG || process.env.KUBERNETES_SERVICE_HOST) return true;
  return existsSync(join(homedir(), '.kube', 'config'));
}
