// The seeds' zero-downtime claims on real pods, repeated: the four experiments of
// experiments/real-nodes/ (rollout restart of the graceful and of the fragile storefront, pod kill
// with a 10 s grace and node drain of the graceful one, all at 200 requests/s through the real
// kube-proxy NodePorts) run through the real CLI in turn, --runs rounds. A run is wrong when its
// verdict or exit code is not the expected one (held; deviated for the fragile restart) or its lost
// requests are not (0; more than 0 for the fragile restart). Each run starts from a whole shop (3
// Ready pods per storefront). Usage (scripts/testenv.sh up --real-nodes 2 first):
//
//   npm run bench:real-node-verdicts [-- --runs 5]
//
// Per run it prints the verdict, requests sent and lost by cause (and the drained node); then the
// wrong verdicts out of N per experiment. Exits 1 on any wrong verdict. The load average is printed
// before and after: a busy machine slows the pods, the kubelets and the generator.
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  coreApi,
  type RealNodeRun,
  realNodeCases,
  realNodeEnvironment,
  runRealNodeCase,
  waitForWholeShop,
} from '../test/helpers/real-node-experiments.ts';

const index = process.argv.indexOf('--runs');
const runs = Number(index >= 0 ? process.argv[index + 1] : '5');
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('usage: bench/real-node-verdicts.ts [--runs N]\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'faultline-real-node-verdicts-'));
const env = realNodeEnvironment(dir);
const core = coreApi(env.KUBECONFIG ?? '');
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

const results = new Map<string, RealNodeRun[]>(realNodeCases.map((item) => [item.name, []]));
process.stdout.write(`${runs} rounds of ${realNodeCases.length} experiments; load average ${load()}\n`);
const startedAt = Date.now();
for (let round = 1; round <= runs; round++) {
  for (const item of realNodeCases) {
    await waitForWholeShop(core);
    const run = await runRealNodeCase(item, env, join(dir, 'reports'));
    results.get(item.name)?.push(run);
    const node = run.node ? ` (drained ${run.node})` : '';
    process.stdout.write(
      `round ${round} ${item.name}: ${run.verdict}${run.wrong ? ' WRONG' : ''}, ${run.sent} sent, ${run.lost} lost (${run.lostBy})${node}\n`,
    );
    if (run.wrong) process.stdout.write(`${run.output.split('\n').slice(-6).join('\n')}\n`);
  }
}
process.stdout.write(
  `\nwrong verdicts (expected; lost requests min-max) after ${Math.round((Date.now() - startedAt) / 1000)} s, load average ${load()}:\n`,
);
let wrong = 0;
for (const item of realNodeCases) {
  const list = results.get(item.name) ?? [];
  const bad = list.filter((run) => run.wrong).length;
  wrong += bad;
  const lost = list.map((run) => run.lost);
  process.stdout.write(
    `  ${item.name}: ${bad}/${list.length} wrong (expected ${item.verdict}, ${item.loses ? 'lost > 0' : '0 lost'}; lost ${Math.min(...lost)}-${Math.max(...lost)})\n`,
  );
}
process.exit(wrong > 0 ? 1 : 0);
