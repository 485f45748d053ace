// Imported Chaos Toolkit experiments, used against the sandbox's real servers: the PromQL the
// import writes is accepted by Prometheus, a real user's pod-kill experiment plans against the
// cluster, and an imported latency experiment runs end to end (toxic injected on `catalog`,
// deviation seen, toxic gone).
// Needs: the sandbox's cluster (shop namespace, checkout pods), Toxiproxy (proxy `catalog`), the
// fragile storefront and Prometheus.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { convertChaosToolkit } from '../../src/chaostoolkit/convert-chaostoolkit.ts';
import { systemClock } from '../../src/clock.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { parseExperiment } from '../../src/experiment/load-experiment.ts';
import { takeSample } from '../../src/probes/take-sample.ts';
import { runFaultline } from '../helpers/faultline-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';
import { chaosToolkitCorpus } from '../helpers/shared-corpus.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-ctk-'));
const env = (extra: Record<string, string>) => ({
  ...process.env,
  ...sandbox,
  ...extra,
  FAULTLINE_LEDGER: join(dir, 'ledger.jsonl'),
  NO_COLOR: '1',
});

async function importToFile(source: string, name: string): Promise<string> {
  const out = join(dir, name);
  const result = await runFaultline(['import', source, '--out', out], env({}));
  if (result.exitCode !== 0) throw new Error(`import failed: ${result.stderr}`);
  return out;
}

test('the PromQL of imported prometheus probes (a subquery for query_interval) is accepted by Prometheus and holds', async (t) => {
  const file = join(projectRoot, 'test/fixtures/chaostoolkit/prometheus.json');
  const imported = convertChaosToolkit(readFileSync(file, 'utf8'), file);
  t.truthy(imported.yaml);
  const loaded = parseExperiment(imported.yaml ?? '', join(dir, 'prometheus.yaml'), {
    env: { PROMETHEUS_URL: sandbox.PROMETHEUS_URL },
  });
  t.deepEqual(loaded.diagnostics, []);
  const probes = loaded.experiment?.spec.hypothesis.probes ?? [];
  t.is(probes.length, 2);
  for (const probe of probes) {
    const kubernetes = () => {
      throw new Error('these probes reach Prometheus only');
    };
    const sample = await takeSample(probe, { clock: systemClock, kubernetes });
    t.is(sample.outcome, 'ok', `${probe.name}: ${probe.prometheus?.query}: ${sample.detail}`);
  }
});

test("a user's pod-kill experiment, imported, plans against the cluster: two checkout pods", async (t) => {
  const out = await importToFile(join(chaosToolkitCorpus(), 'playground-kill-pods.json'), 'kill-pods.yaml');
  const vars = {
    POD_LABEL: 'app=checkout',
    POD_NAMESPACE: 'shop',
    APPLICATION_ENTRYPOINT_URL: sandbox.STOREFRONT_URL,
  };
  const plan = await runFaultline(['plan', out, '--output', 'json'], env(vars));
  t.is(plan.exitCode, ExitCode.held, plan.stderr);
  const planned = JSON.parse(plan.stdout) as {
    faults: { kind: string; pods: { namespace: string; name: string }[] }[];
  };
  t.is(planned.faults[0]?.kind, 'podKill');
  const pods = planned.faults[0]?.pods ?? [];
  t.is(pods.length, 2);
  t.true(
    pods.every((pod) => pod.namespace === 'shop' && pod.name.startsWith('checkout-')),
    JSON.stringify(pods),
  );
});

test('an imported latency experiment runs: the fragile storefront deviates at the end-of-method check and the toxic is gone', async (t) => {
  const out = await importToFile(
    join(projectRoot, 'test/fixtures/chaostoolkit/toxiproxy-latency.json'),
    'latency.yaml',
  );
  const toxiproxy = new URL(sandbox.TOXIPROXY_URL);
  const vars = { TOXIPROXY_HOST: toxiproxy.hostname, FRAGILE_STOREFRONT_URL: sandbox.FRAGILE_STOREFRONT_URL };
  // The fixture's Toxiproxy port is the default 8474; point it at the sandbox's.
  const text = readFileSync(out, 'utf8').replace(
    'toxiproxy_port: "8474"',
    `toxiproxy_port: "${toxiproxy.port}"`,
  );
  writeFileSync(out, text);
  const run = await runFaultline(['run', out, '--report-dir', join(dir, 'reports')], env(vars));
  t.is(run.exitCode, ExitCode.deviated, `${run.stderr.slice(-3000)}`);
  t.regex(run.stderr, /storefront-answers/);
  const proxies = (await (await fetch(`${sandbox.TOXIPROXY_URL}/proxies`)).json()) as Record<
    string,
    { toxics: unknown[] }
  >;
  t.deepEqual(proxies.catalog?.toxics, []);
});
