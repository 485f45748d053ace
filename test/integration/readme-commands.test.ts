// Every `npx faultline …` command the README shows is run here as written (placeholders filled in),
// or named with the test that exercises it. A README command that is neither fails this test.
// Needs: the whole sandbox (the shipped experiments use the shop, Toxiproxy, Prometheus, the cluster).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runFaultline } from '../helpers/faultline-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';

const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
const shown = [...readme.matchAll(/^npx faultline ([^#\n]*?)\s*(?:#.*)?$/gm)].map((m) => (m[1] ?? '').trim());

// Commands whose running is someone else's job, and where.
const coveredElsewhere: Record<string, string> = {
  'schedule experiments/gameday.yaml': 'test/integration/schedule-daemon.test.ts (two daemons, a Lease)',
  'halt --reason "incident 4711"':
    'test/integration/runners-halt.test.ts (a live run aborted, a new one not-started, the daemon skips)',
  'import chaostoolkit-experiment.json [--out FILE]':
    'test/unit/cli/import-command.test.ts (real Chaos Toolkit files)',
  'import experiment.json --out experiment.yaml': 'test/unit/cli/import-command.test.ts',
  'run chaostoolkit-experiment.json [--ctk-journal FILE]':
    'test/integration/chaostoolkit-side-by-side.test.ts (beside Chaos Toolkit itself)',
  'validate experiment.json': 'test/unit/cli/chaostoolkit-files.test.ts (Chaos Toolkit files)',
  'run experiment.json': 'test/integration/chaostoolkit-side-by-side.test.ts',
  'run experiment.json --hypothesis-strategy continuously --hypothesis-frequency 1 --fail-fast':
    'test/integration/chaostoolkit-side-by-side.test.ts (the same flags to chaos run)',
  'run experiment.json --ctk-journal journal.json':
    "test/integration/chaostoolkit-side-by-side.test.ts (checked against chaos run's own journal)",
};

const dir = mkdtempSync(join(tmpdir(), 'faultline-readme-'));
const journal = join(projectRoot, 'test/fixtures/journals/held-catalog-partition.json');

// README placeholders -> real arguments; optional [flags] are dropped.
function toArgs(command: string): string[] {
  return command
    .replace(/\[[^\]]*\]/g, '')
    .replace('reports/<run-id>/journal.json', journal)
    .replace('--format md|html|junit', '--format md')
    .split(/\s+/)
    .filter(Boolean);
}

test('the README shows the commands this test knows', (t) => {
  t.true(shown.length >= 8, shown.join('\n'));
});

test.serial('every README command runs as written and exits 0', async (t) => {
  const sandbox = loadSandboxEnv();
  const env = { ...process.env, ...sandbox, FAULTLINE_LEDGER: join(dir, 'ledger.jsonl'), NO_COLOR: '1' };
  for (const command of shown) {
    if (coveredElsewhere[command]) {
      t.log(`${command}: covered by ${coveredElsewhere[command]}`);
      continue;
    }
    let args = toArgs(command);
    if (args[0] === 'init') args = ['init', join(dir, 'starter')];
    if (args[0] === 'validate') {
      args = [
        'validate',
        ...['catalog-partition', 'checkout-pod-kill', 'gameday', 'storefront-survives-slow-catalog'].map(
          (n) => `experiments/${n}.yaml`,
        ),
      ];
    }
    if (args[0] === 'run') args.push('--report-dir', join(dir, 'reports'));
    const started = performance.now();
    const result = await runFaultline(args, env);
    t.log(
      `faultline ${args.join(' ')}: exit ${result.exitCode} in ${Math.round(performance.now() - started)} ms`,
    );
    t.is(
      result.exitCode,
      0,
      `faultline ${args.join(' ')}\n${result.stderr.slice(-2000)}\n${result.stdout.slice(-2000)}`,
    );
  }
});
