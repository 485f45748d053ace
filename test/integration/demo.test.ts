// `npm run demo` (scripts/demo.sh) as the README gives it, with the sandbox already up so the demo
// leaves it up. Needs: the whole sandbox (Toxiproxy, the shop, Prometheus, the Kubernetes control
// plane) with its real nodes and the real shop (shop-real), as scripts/test.sh brings it up.
import { existsSync, readdirSync } from 'node:fs';
import test from 'ava';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';

test.serial(
  'the demo game day exits 0, prints the summary table and report paths that exist; the rollout restart on real nodes loses nothing of the graceful storefront and some of the fragile one',
  async (t) => {
    const sandbox = loadSandboxEnv();
    const result = await runProcess('npm', ['run', 'demo'], {
      cwd: projectRoot,
      env: { ...process.env, PATH: sandbox.PATH, NO_COLOR: '1' },
      timeoutMs: 600_000,
    });
    t.is(result.exitCode, 0, result.stderr.slice(-3000) + result.stdout.slice(-3000));
    const table = result.stdout.split('Game day summary')[1] ?? '';
    t.log(table);
    t.regex(table, /experiment\s+verdict\s+time to detect\s+time to revert\s+lost requests/);
    // experiments/demo/, then the two rollout restarts of experiments/real-nodes/.
    const experiments = [
      ...readdirSync(`${projectRoot}experiments/demo`).filter((f) => f.endsWith('.yaml')),
      'rollout-restart-graceful.yaml',
      'rollout-restart-fragile.yaml',
    ];
    const rows = table.split('\n').filter((line) => /\s(held|deviated)\s/.test(line));
    t.is(rows.length, experiments.length, table);
    t.true(
      rows.some((row) => /\sdeviated\s+\d/.test(row)),
      'the fragile storefront deviates, with a time to detect',
    );
    // Shoppers' load: the fragile storefront loses requests under the slow catalog, the resilient
    // one none while the catalog is cut off.
    const lost = (experiment: string) =>
      /(\d+) of (\d+)\s*$/.exec(rows.find((row) => row.startsWith(`${experiment} `)) ?? '');
    const fragile = lost('slow-catalog-fragile-storefront');
    t.true(Number(fragile?.[1]) > 0 && Number(fragile?.[2]) > 0, table);
    const resilient = lost('partitioned-catalog-resilient-storefront');
    t.true(resilient?.[1] === '0' && Number(resilient?.[2]) > 0, table);
    // Real pods replaced under 200 requests/s through the NodePort: the seeds' zero-downtime claim.
    const graceful = lost('graceful-storefront-survives-rollout-restart');
    t.true(graceful?.[1] === '0' && Number(graceful?.[2]) > 0, table);
    t.regex(rows.find((row) => row.startsWith('graceful-storefront-')) ?? '', /\sheld\s/);
    const fragileRollout = lost('fragile-storefront-loses-requests-on-rollout-restart');
    t.true(Number(fragileRollout?.[1]) > 0, table);
    t.regex(rows.find((row) => row.startsWith('fragile-storefront-')) ?? '', /\sdeviated\s/);
    const reports = [...result.stdout.matchAll(/^ {2}(\S+report\.html)$/gm)].map((m) => m[1] ?? '');
    t.is(reports.length, experiments.length);
    for (const report of reports) t.true(existsSync(report), report);
    const status = await runProcess('bash', [`${projectRoot}scripts/testenv.sh`, 'status']);
    t.is(status.exitCode, 0, 'the demo leaves a sandbox it did not start up');
  },
);
