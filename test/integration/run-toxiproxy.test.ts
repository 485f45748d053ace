// `faultline run` and `faultline recover` with Toxiproxy faults, driven through the CLI.
// Needs: Toxiproxy (the sandbox's, with the proxy `catalog`, and a private one started here),
// the sample shop (catalog, resilient and fragile storefronts) and Prometheus.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { ExitCode } from '../../src/exit-codes.ts';
import { readLedgerLines } from '../../src/ledger/fault-ledger.ts';
import { faultOnlyExperiment } from '../helpers/fault-only-experiment.ts';
import { runFaultline, startFaultline } from '../helpers/faultline-process.ts';
import { freePort } from '../helpers/free-port.ts';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-run-'));
let fileCount = 0;

type Proxies = Record<string, { enabled: boolean; toxics: { name: string }[] }>;
const getProxies = async (url = sandbox.TOXIPROXY_URL) =>
  (await (await fetch(`${url}/proxies`)).json()) as Proxies;

function freshEnv(): NodeJS.ProcessEnv & { FAULTLINE_LEDGER: string } {
  fileCount++;
  return {
    ...process.env,
    ...sandbox,
    FAULTLINE_LEDGER: join(dir, `ledger-${fileCount}.jsonl`),
    NO_COLOR: '1',
  };
}

function writeExperiment(yaml: string): string {
  const file = join(dir, `experiment-${++fileCount}.yaml`);
  writeFileSync(file, yaml);
  return file;
}

const latencyFault = (start = '1s') => `
    - name: slow-catalog
      toxiproxy: { url: "\${TOXIPROXY_URL}", proxy: catalog, toxic: latency, attributes: { latency: 800 }, stream: downstream }
      start: ${start}`;
const partitionFault = (start = '1s') => `
    - name: partition-catalog
      partition: { url: "\${TOXIPROXY_URL}", proxy: catalog }
      start: ${start}`;

// The hypothesis: page latency, and the error ratio of a burst of requests.
const shopExperiment = (name: string, target: string, faults: string, duration = '5s') => `
apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: ${name} }
spec:
  duration: ${duration}
  hypothesis:
    probes:
      - name: page-latency
        http: { url: "${target}/", timeout: 2s }
        expect: { status: 200, latencyMs: { below: 500 } }
      - name: page-error-ratio
        http: { url: "${target}/", timeout: 2s, burst: { requests: 10, concurrency: 5 } }
        expect: { errorRatio: { atMost: 0.01 } }
      - name: storefront-5xx-ratio
        prometheus:
          url: "\${PROMETHEUS_URL}"
          query: sum(rate(shop_requests_total{service="storefront",code=~"5.."}[30s])) / sum(rate(shop_requests_total{service="storefront"}[30s]))
        expect: { below: 0.01 }
    during: { every: 1s, failAfter: 2 }
  faults:${faults}
`;

function readJournal(stdout: string) {
  const file = /journal: (\S+)/.exec(stdout)?.[1];
  if (!file) throw new Error(`no journal path in:\n${stdout}`);
  return JSON.parse(readFileSync(file, 'utf8')) as {
    verdict: string;
    reason: string;
    faults: { name: string; actions: { revert?: string }[] }[];
    events: { type: string; at: number; message: string }[];
    samples: { probe: string; outcome: string; role: string }[];
  };
}

async function assertToxiproxyClean(t: import('ava').ExecutionContext) {
  const proxies = await getProxies();
  t.deepEqual(proxies.catalog?.toxics, [], 'no toxic left on catalog');
  t.true(proxies.catalog?.enabled, 'catalog is enabled');
}

for (const [fault, faults] of [
  ['latency', latencyFault()],
  ['partition', partitionFault()],
] as const) {
  test.serial(`${fault} on catalog: the fragile storefront deviates (exit 1)`, async (t) => {
    const env = freshEnv();
    const file = writeExperiment(shopExperiment(`fragile-${fault}`, '${FRAGILE_STOREFRONT_URL}', faults));
    const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
    t.is(result.exitCode, ExitCode.deviated, result.stderr + result.stdout);
    const journal = readJournal(result.stdout);
    t.is(journal.verdict, 'deviated');
    t.regex(journal.reason, /page-latency|page-error-ratio/);
    t.true(journal.faults.every((f) => f.actions.every((a) => a.revert === 'reverted')));
    await assertToxiproxyClean(t);
  });

  test.serial(`${fault} on catalog: the resilient storefront holds (exit 0)`, async (t) => {
    const env = freshEnv();
    const file = writeExperiment(shopExperiment(`resilient-${fault}`, '${STOREFRONT_URL}', faults));
    const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
    t.is(result.exitCode, ExitCode.held, result.stderr + result.stdout);
    const journal = readJournal(result.stdout);
    t.is(journal.verdict, 'held');
    t.true(
      journal.events.some((e) => e.type === 'injected'),
      'the fault was really injected',
    );
    const methodSamples = journal.samples.filter((s) => s.probe === 'page-latency');
    t.true(methodSamples.length >= 4, `sampled continuously (${methodSamples.length} samples)`);
    await assertToxiproxyClean(t);
  });
}

test.serial('steady state not met before: exit 3 and Toxiproxy untouched', async (t) => {
  const env = freshEnv();
  const before = await getProxies();
  const file = writeExperiment(shopExperiment('absent-service', 'http://127.0.0.1:9', latencyFault('0s')));
  const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
  t.is(result.exitCode, ExitCode.notStarted, result.stderr + result.stdout);
  const journal = readJournal(result.stdout);
  t.is(journal.verdict, 'not-started');
  t.regex(journal.reason, /page-latency \(unreachable/);
  t.false(journal.events.some((e) => e.type === 'injected'));
  t.deepEqual(await getProxies(), before);
  t.deepEqual(readLedgerLines(env.FAULTLINE_LEDGER), [], 'nothing was even recorded as injected');
});

// SIGHUP is a closed terminal: it stops the run like Ctrl-C, never the process as it is.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  test.serial(`${signal} mid-fault: exit 4 within 5 s, no toxic left, every proxy enabled`, async (t) => {
    const env = freshEnv();
    const file = writeExperiment(
      shopExperiment(
        `interrupted-${signal.toLowerCase()}`,
        '${STOREFRONT_URL}',
        latencyFault('0s') + partitionFault('0s'),
        '60s',
      ),
    );
    const run = startFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
    await run.waitForOutput(/injected: partition-catalog/);
    const proxies = await getProxies();
    const faults = proxies.catalog?.toxics.filter((toxic) => !/\.(claim|partition)$/.test(toxic.name));
    t.is(
      faults?.length,
      1,
      "the toxic is in place before the signal (beside the run's claim and partition mark)",
    );
    t.false(proxies.catalog?.enabled, 'the partition is in place before the signal');
    const sentAt = performance.now();
    run.child.kill(signal);
    const { exitCode } = await run.exited;
    const tookMs = performance.now() - sentAt;
    t.is(exitCode, ExitCode.aborted, run.stderr());
    t.true(tookMs < 5_000, `reverted and exited in ${Math.round(tookMs)} ms`);
    t.is(readJournal(run.stdout()).verdict, 'aborted');
    await assertToxiproxyClean(t);
    t.deepEqual(
      readLedgerLines(env.FAULTLINE_LEDGER).map((l) => l.type),
      ['open', 'open', 'close', 'close'],
      'both ledger entries were opened and closed',
    );
  });
}

// Defect: rollbacks were sampled with the run's signal, already aborted after Ctrl-C, so a command
// rollback that takes a second was killed at once (one that ends at once, a `touch`, did complete).
test.serial('SIGINT: a rollback that takes 1 s still runs to its end, and is journaled', async (t) => {
  const env = freshEnv();
  const marker = join(dir, `rolled-back-${fileCount}`);
  const file = writeExperiment(
    `${shopExperiment('interrupted-rollback', '${STOREFRONT_URL}', latencyFault('0s'), '60s')}  rollbacks:
    - name: restore-slowly
      command: { run: [sh, -c, "sleep 1 && touch ${marker}"], timeout: 10s }
      expect: { exitCode: 0 }
`,
  );
  const run = startFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
  await run.waitForOutput(/injected: slow-catalog/);
  run.child.kill('SIGINT');
  const { exitCode } = await run.exited;
  t.is(exitCode, ExitCode.aborted, run.stderr());
  t.true(existsSync(marker), 'the rollback ran to its end after the interrupt');
  const journal = readJournal(run.stdout());
  t.deepEqual(
    journal.samples.filter((s) => s.role === 'rollback').map((s) => [s.probe, s.outcome]),
    [['restore-slowly', 'ok']],
  );
  t.true(journal.events.some((e) => e.type === 'rollback-succeeded'));
  await assertToxiproxyClean(t);
});

test.serial(
  'a secret in a probe URL and header: the journal holds ${TOKEN} as written; no output or file shows its value',
  async (t) => {
    const token = 'tok-Hq7vX2mZ9w';
    const env = { ...freshEnv(), FAULTLINE_TEST_TOKEN: token };
    const file = writeExperiment(
      shopExperiment('secret-token', '${STOREFRONT_URL}', latencyFault('0s'), '2s')
        .replace(
          'http: { url: "${STOREFRONT_URL}/", timeout: 2s }',
          'http: { url: "${STOREFRONT_URL}/?token=${TOKEN}", headers: { Authorization: "Bearer ${TOKEN}" }, timeout: 2s }',
        )
        .replace('  duration: 2s', '  secrets: { TOKEN: { env: FAULTLINE_TEST_TOKEN } }\n  duration: 2s'),
    );
    const reports = join(dir, 'secret-reports');
    const result = await runFaultline(['run', file, '--report-dir', reports], env);
    t.is(result.exitCode, ExitCode.held, result.stderr + result.stdout);
    t.false(
      result.stdout.includes(token) || result.stderr.includes(token),
      'nothing printed shows the token',
    );
    const journalFile = /journal: (\S+)/.exec(result.stdout)?.[1] ?? '';
    const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
    const probe = journal.experiment.spec.hypothesis.probes[0].http;
    t.is(probe.url, '${STOREFRONT_URL}/?token=${TOKEN}', 'the experiment as written');
    t.is(probe.headers.Authorization, 'Bearer ${TOKEN}');
    t.true(
      journal.samples.some(
        (s: { probe: string; outcome: string }) => s.probe === 'page-latency' && s.outcome === 'ok',
      ),
      'the probe really ran with its secret',
    );
    const runDir = join(journalFile, '..');
    for (const name of readdirSync(runDir))
      t.false(readFileSync(join(runDir, name), 'utf8').includes(token), name);
    await assertToxiproxyClean(t);
  },
);

// After kill -9 at different moments of the run and of its guard (as when their machine dies:
// a run killed alone is reverted by its guard, test/integration/run-guard.test.ts), `faultline
// recover` puts Toxiproxy back exactly as it was.
for (const killAfterMs of [0, 300, 1500]) {
  test.serial(
    `kill -9 ${killAfterMs} ms after the first injection, then recover: Toxiproxy as before`,
    async (t) => {
      const env = freshEnv();
      const before = await getProxies();
      const file = writeExperiment(
        shopExperiment(
          `killed-${killAfterMs}`,
          '${STOREFRONT_URL}',
          latencyFault('0s') + partitionFault('200ms'),
          '60s',
        ),
      );
      const run = startFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
      await run.waitForOutput(/injected: slow-catalog/);
      await sleep(killAfterMs);
      process.kill(Number(/^guard (\d+) ready/m.exec(run.stderr())?.[1]), 'SIGKILL');
      run.child.kill('SIGKILL');
      await run.exited;
      const during = await getProxies();
      t.notDeepEqual(during, before, 'the killed run left a fault behind');
      const recovered = await runFaultline(
        ['recover', '--toxiproxy', sandbox.TOXIPROXY_URL, '--no-nodes'],
        env,
      );
      t.is(recovered.exitCode, 0, recovered.stderr + recovered.stdout);
      t.regex(recovered.stdout, /reverted .*toxic faultline-/);
      t.deepEqual(await getProxies(), before);
      const again = await runFaultline(['recover', '--toxiproxy', sandbox.TOXIPROXY_URL, '--no-nodes'], env);
      t.regex(again.stdout, /nothing to recover/, 'recover is idempotent');
    },
  );
}

test.serial(
  'a toxic orphaned without its ledger is found by its mark and removed by the next run',
  async (t) => {
    const env = freshEnv();
    const orphan = 'faultline-20260101T000000Z-dead-slow-catalog';
    await fetch(`${sandbox.TOXIPROXY_URL}/proxies/catalog/toxics`, {
      method: 'POST',
      body: JSON.stringify({ name: orphan, type: 'latency', attributes: { latency: 100 } }),
    });
    const file = writeExperiment(
      shopExperiment('cleans-orphans', '${STOREFRONT_URL}', latencyFault('0s'), '2s'),
    );
    const result = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], env);
    t.is(result.exitCode, ExitCode.held, result.stderr);
    t.regex(result.stderr, new RegExp(`recovered: toxic ${orphan} .*found by mark`));
    await assertToxiproxyClean(t);
  },
);

// A Toxiproxy server of the test's own (so it can be killed and restarted), with a proxy `name`
// listening on a free port.
async function startPrivateToxiproxy(name: string, upstream: string) {
  const apiPort = await freePort();
  const listenPort = await freePort();
  const url = `http://127.0.0.1:${apiPort}`;
  const start = (): ChildProcess =>
    spawn('toxiproxy-server', ['-host', '127.0.0.1', '-port', String(apiPort)], {
      env: { ...process.env, PATH: sandbox.PATH, LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
  let server = start();
  await waitUntil('the private toxiproxy', async () =>
    (await fetch(`${url}/version`)).ok ? true : undefined,
  );
  await fetch(`${url}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name, listen: `127.0.0.1:${listenPort}`, upstream }),
  });
  return {
    url,
    kill: () => server.kill('SIGKILL'),
    restart: () => {
      server = start();
    },
  };
}

test.serial(
  'Toxiproxy killed mid-run: the runner retries the revert; the ledger closes only once it is gone',
  async (t) => {
    const env = freshEnv();
    const toxiproxy = await startPrivateToxiproxy('unused', '127.0.0.1:9');
    try {
      const file = writeExperiment(
        faultOnlyExperiment(
          'toxiproxy-dies',
          '3s',
          `name: slow-private
      toxiproxy:
        url: ${toxiproxy.url}
        proxy: private-catalog
        listen: 127.0.0.1:${await freePort()}
        upstream: ${sandbox.CATALOG_URL.replace('http://', '')}
        toxic: latency
        attributes: { latency: 300 }`,
        ),
      );
      const run = startFaultline(
        ['run', file, '--report-dir', join(dir, 'reports'), '--revert-timeout', '30s'],
        env,
      );
      await run.waitForOutput(/injected: slow-private: toxic/);
      toxiproxy.kill();
      await run.waitForOutput(/revert-retry: slow-private: attempt 2 failed/);
      const closedWhileDown = readLedgerLines(env.FAULTLINE_LEDGER).filter((l) => l.type === 'close');
      t.deepEqual(closedWhileDown, [], 'nothing is closed while Toxiproxy is down');
      const restartedAt = Date.now();
      toxiproxy.restart();
      const { exitCode } = await run.exited;
      t.is(exitCode, ExitCode.held, run.stderr());
      t.regex(run.stderr(), /cannot reach the server/);
      const closes = readLedgerLines(env.FAULTLINE_LEDGER).filter((l) => l.type === 'close');
      t.is(closes.length, 2, 'the toxic and the created proxy are both closed');
      for (const close of closes)
        t.true(Date.parse(close.at) >= restartedAt - 50, `closed at ${close.at}, after the restart`);
      t.deepEqual(await getProxies(toxiproxy.url), {}, 'the restarted Toxiproxy has nothing of the run');
    } finally {
      toxiproxy.kill();
    }
  },
);

test.serial('a revert that finally fails exits 5 and prints exactly what is left', async (t) => {
  const env = freshEnv();
  const toxiproxy = await startPrivateToxiproxy('doomed', '127.0.0.1:9');
  try {
    const file = writeExperiment(
      faultOnlyExperiment(
        'revert-fails',
        '2s',
        `name: slow-doomed
      toxiproxy: { url: "${toxiproxy.url}", proxy: doomed, toxic: latency, attributes: { latency: 100 } }`,
      ),
    );
    const run = startFaultline(
      ['run', file, '--report-dir', join(dir, 'reports'), '--revert-timeout', '2s'],
      env,
    );
    await run.waitForOutput(/injected: slow-doomed/);
    toxiproxy.kill();
    const { exitCode } = await run.exited;
    t.is(exitCode, ExitCode.revertFailed, run.stderr());
    t.regex(run.stdout(), /COULD NOT REVERT/);
    t.regex(
      run.stdout(),
      new RegExp(`- toxic faultline-\\S+-slow-doomed on proxy doomed at ${toxiproxy.url} \\(.*cannot reach`),
    );
    const lines = readLedgerLines(env.FAULTLINE_LEDGER);
    t.is(lines.filter((l) => l.type === 'open').length, 1);
    t.is(
      lines.filter((l) => l.type === 'close').length,
      0,
      'the ledger keeps the entry open for faultline recover',
    );
  } finally {
    toxiproxy.kill();
  }
});

test.serial(
  'a second Ctrl-C while a revert is still retrying says what is still being reverted',
  async (t) => {
    const env = freshEnv();
    const toxiproxy = await startPrivateToxiproxy('sticky', '127.0.0.1:9');
    try {
      const file = writeExperiment(
        faultOnlyExperiment(
          'second-ctrl-c',
          '60s',
          `name: slow-sticky
      toxiproxy: { url: "${toxiproxy.url}", proxy: sticky, toxic: latency, attributes: { latency: 100 } }`,
        ),
      );
      const run = startFaultline(
        ['run', file, '--report-dir', join(dir, 'reports'), '--revert-timeout', '30s'],
        env,
      );
      await run.waitForOutput(/injected: slow-sticky/);
      toxiproxy.kill();
      run.child.kill('SIGINT');
      await run.waitForOutput(/revert-retry: slow-sticky/);
      run.child.kill('SIGINT');
      await run.waitForOutput(/received SIGINT again: still reverting slow-sticky/);
      toxiproxy.restart();
      const { exitCode } = await run.exited;
      t.is(exitCode, ExitCode.aborted, run.stderr());
      t.deepEqual(
        readLedgerLines(env.FAULTLINE_LEDGER).map((l) => l.type),
        ['open', 'close'],
        'closed once Toxiproxy answered again',
      );
    } finally {
      toxiproxy.kill();
    }
  },
);

test.serial(
  'on a TTY the progress is a status line redrawn in place; without one, plain timestamped lines',
  async (t) => {
    const env = freshEnv();
    delete env.NO_COLOR;
    const file = writeExperiment(
      shopExperiment('progress-on-a-tty', '${STOREFRONT_URL}', latencyFault('0s'), '3s'),
    );
    const command = `${process.execPath} cli/faultline.ts run ${file} --report-dir ${join(dir, 'reports')}`;
    // script(1) gives the run a pseudo-terminal, as an engineer's shell would.
    const tty = await runProcess('script', ['-qfec', command, '/dev/null'], { env, cwd: projectRoot });
    t.is(tty.exitCode, 0, tty.stdout);
    t.true(tty.stdout.includes('\r\u001b[2K[method] '), 'the status line is redrawn in place');
    t.regex(tty.stdout, /\[method\] \d+s elapsed, \d+s left {2}page-latency=/, 'with phase, time and values');
    const plain = await runFaultline(['run', file, '--report-dir', join(dir, 'reports')], {
      ...env,
      NO_COLOR: '1',
    });
    t.is(plain.exitCode, 0, plain.stderr);
    t.false(
      plain.stderr.includes('\u001b') || plain.stderr.includes('\r'),
      'no control characters without a TTY',
    );
    t.regex(plain.stderr, /^\d{4}-\d{2}-\d{2}T[\d:.]+Z \[method\] injected: slow-catalog/m);
  },
);

test.after.always('no report directory is left without a journal', (t) => {
  const reports = join(dir, 'reports');
  for (const run of readdirSync(reports))
    t.true(readdirSync(join(reports, run)).includes('journal.json'), run);
});
