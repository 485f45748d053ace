// `faultline schedule` as a daemon, driven through the real CLI as child processes.
// Needs: the sandbox's Kubernetes API server (a Lease in a namespace made here), its Prometheus
// (the file_sd target list of job `faultline`), and a private Toxiproxy started here (so that
// nothing here touches the shared `catalog` proxy). A fire every 5 s runs a tiny experiment: a
// command probe and a latency toxic on a proxy the experiment creates itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test, { type ExecutionContext } from 'ava';
import { type FaultlineProcess, startFaultline } from '../helpers/faultline-process.ts';
import { freePort } from '../helpers/free-port.ts';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv } from '../helpers/sandbox-env.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-schedule-'));
const namespace = `faultline-sched-${process.pid}`;
const fireEveryMs = 5_000;

type LogLine = { time: string; level: string; message: string; [field: string]: unknown };
type Daemon = FaultlineProcess & { name: string; lines(): LogLine[]; port(): number };

const kubectl = (...args: string[]) =>
  runProcess('kubectl', args, { env: { ...process.env, ...sandbox }, timeoutMs: 60_000 });

let toxiproxy: ChildProcess | undefined;
let toxiproxyUrl = '';
const hooks: { body: Record<string, unknown>; attempt: number }[] = [];
let hookUrl = '';
let hookServer: ReturnType<typeof createHttpServer> | undefined;

test.before(async () => {
  const created = await kubectl('create', 'namespace', namespace);
  if (created.exitCode !== 0) throw new Error(created.stderr);
  const apiPort = await freePort();
  toxiproxyUrl = `http://127.0.0.1:${apiPort}`;
  toxiproxy = spawn('toxiproxy-server', ['-host', '127.0.0.1', '-port', String(apiPort)], {
    env: { ...process.env, PATH: sandbox.PATH, LOG_LEVEL: 'error' },
    stdio: 'ignore',
  });
  await waitUntil('the private toxiproxy', async () =>
    (await fetch(`${toxiproxyUrl}/version`)).ok ? true : undefined,
  );
  // A webhook receiver that fails every first attempt of a run with a 503: notices are retried.
  const attempts = new Map<string, number>();
  hookServer = createHttpServer((request: IncomingMessage, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      const key = String(body.text);
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      hooks.push({ body, attempt });
      response.writeHead(attempt === 1 ? 503 : 200).end();
    });
  });
  await new Promise<void>((resolve) => hookServer?.listen(0, '127.0.0.1', resolve));
  const address = hookServer.address();
  hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hooks/secret-token`;
});

test.after.always(async () => {
  writeFileSync(sandbox.PROMETHEUS_FILE_SD, '[]\n');
  toxiproxy?.kill('SIGKILL');
  hookServer?.close();
  await kubectl('delete', 'namespace', namespace, '--wait=false');
});

async function writeFiles(
  name: string,
  experimentDuration: string,
  leaseDuration = '15s',
  fault?: string,
): Promise<string> {
  const proxyListen = `127.0.0.1:${await freePort()}`;
  const slow = `
    - name: slow
      toxiproxy:
        url: "\${TOXIPROXY}"
        proxy: ${name}
        listen: "${proxyListen}"
        upstream: "127.0.0.1:9"
        toxic: latency
        attributes: { latency: 100 }`;
  const experiment = `
apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: ${name}-tiny }
spec:
  duration: ${experimentDuration}
  hypothesis:
    probes:
      - name: answers
        command: { run: ["true"] }
        expect: { exitCode: 0 }
    during: { every: 500ms }
  faults:${fault ?? slow}
`;
  const schedule = `
apiVersion: faultline.dev/v1alpha1
kind: Schedule
metadata: { name: ${name} }
spec:
  timezone: Europe/Berlin
  entries:
    - name: tiny
      experiment: ${name}-experiment.yaml
      cron: "*/5 * * * * *"
      vars: { TOXIPROXY: "${toxiproxyUrl}" }
  concurrency: skip
  lease: { name: ${name}, namespace: ${namespace}, duration: ${leaseDuration} }
  secrets:
    HOOK: { env: TEST_HOOK_URL }
  notifications:
    webhooks: [{ url: "\${HOOK}" }]
`;
  writeFileSync(join(dir, `${name}-experiment.yaml`), experiment);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, schedule);
  return file;
}

function startDaemon(name: string, file: string, reportDir: string, prefix: string[] = []): Daemon {
  const env = {
    ...process.env,
    ...sandbox,
    FAULTLINE_LEDGER: join(dir, `ledger-${name}.jsonl`),
    TEST_HOOK_URL: hookUrl,
  };
  const args = ['schedule', file, '--listen', '127.0.0.1:0', '--report-dir', reportDir, '--identity', name];
  const process_ = startFaultline(args, env, prefix);
  const lines = () =>
    process_
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  return Object.assign(process_, {
    name,
    lines,
    port: () => Number(/:(\d+)$/.exec(String(lines().find((l) => l.message === 'listening')?.url))?.[1]),
  });
}

const started = (daemon: Daemon) => daemon.lines().filter((l) => l.message === 'run started');
const finished = (daemon: Daemon) => daemon.lines().filter((l) => l.message === 'run finished');
const slotMs = (line: LogLine) => Date.parse(String(line.slot));
const leadingAt = (daemon: Daemon) =>
  daemon.lines().find((l) => l.message === 'leading: this daemon fires')?.time as string | undefined;

async function lease(name: string) {
  const result = await kubectl('get', 'lease', name, '-n', namespace, '-o', 'json');
  return JSON.parse(result.stdout) as {
    metadata: { annotations?: Record<string, string> };
    spec: { holderIdentity?: string; leaseTransitions?: number };
  };
}

async function prometheusValue(query: string): Promise<number | undefined> {
  const url = `${sandbox.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(query)}`;
  const answer = (await (await fetch(url)).json()) as { data: { result: { value: [number, string] }[] } };
  const value = answer.data.result[0]?.value[1];
  return value === undefined ? undefined : Number(value);
}

// Every toxic on the server; with `faultsOnly`, without the runs' claims on their proxies.
async function toxicsLeft(faultsOnly = false): Promise<string[]> {
  const proxies = (await (await fetch(`${toxiproxyUrl}/proxies`)).json()) as Record<
    string,
    { toxics: { name: string }[] }
  >;
  return Object.values(proxies)
    .flatMap((proxy) => proxy.toxics.map((toxic) => toxic.name))
    .filter((name) => !faultsOnly || !name.endsWith('.claim'));
}

// Every 5-second slot from `first` to `last` appears exactly once.
function assertOncePerFire(t: ExecutionContext, slots: number[], first: number, last: number, what: string) {
  const expected: number[] = [];
  for (let slot = first; slot <= last; slot += fireEveryMs) expected.push(slot);
  const within = slots.filter((slot) => slot >= first && slot <= last).sort((a, b) => a - b);
  t.deepEqual(
    within.map((s) => new Date(s).toISOString()),
    expected.map((s) => new Date(s).toISOString()),
    what,
  );
}

test.serial(
  'two daemons, one Lease: one run per fire; /metrics scraped by Prometheus; kill -9 of the leader, the other takes over within the lease duration and runs once per fire',
  async (t) => {
    t.timeout(180_000);
    const file = await writeFiles('two-daemons', '1500ms');
    const reportDir = join(dir, 'reports-two');
    const daemons = [startDaemon('daemon-a', file, reportDir), startDaemon('daemon-b', file, reportDir)];
    t.teardown(() => {
      for (const daemon of daemons) daemon.child.kill('SIGKILL');
    });
    const leader = await waitUntil('a leader', async () => daemons.find((d) => leadingAt(d)), {
      timeoutMs: 20_000,
    });
    const standby = daemons.find((d) => d !== leader) as Daemon;
    await waitUntil('four runs', async () => (finished(leader).length >= 4 ? true : undefined), {
      timeoutMs: 40_000,
    });

    // Prometheus scrapes both daemons: the runs it counts are the runs that finished; one leader.
    writeFileSync(
      sandbox.PROMETHEUS_FILE_SD,
      `${JSON.stringify([{ targets: daemons.map((d) => `127.0.0.1:${d.port()}`) }])}\n`,
    );
    const selector = '{job="faultline",schedule="two-daemons"}';
    const counted = await waitUntil(
      'Prometheus to count every finished run',
      async () => {
        const runs = await prometheusValue(`sum(faultline_runs_total${selector})`);
        const faults = await prometheusValue(`sum(faultline_faults_injected_total${selector})`);
        // Both daemons scraped at least once (the standby's series appear on its first scrape).
        const daemonsSeen = await prometheusValue(`count(faultline_next_fire_timestamp_seconds${selector})`);
        const ready = runs !== undefined && runs === finished(leader).length && faults === runs;
        return ready && daemonsSeen === 2 ? runs : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    t.true(counted >= 4);
    t.is(
      await prometheusValue(
        `sum(faultline_runs_total{job="faultline",schedule="two-daemons",verdict="held"})`,
      ),
      counted,
    );
    t.is(await prometheusValue(`sum(faultline_leader${selector})`), 1, 'exactly one leader');
    t.is(await prometheusValue(`count(faultline_next_fire_timestamp_seconds${selector})`), 2);
    writeFileSync(sandbox.PROMETHEUS_FILE_SD, '[]\n');

    // The standby never ran anything; each fire so far ran exactly once, on the leader.
    t.deepEqual(started(standby), []);
    const before = started(leader).map(slotMs);
    assertOncePerFire(t, before, Math.min(...before), Math.max(...before), 'before the kill');

    // kill -9 the leader in the middle of a run.
    const runsSoFar = started(leader).length;
    await waitUntil('the next run', async () => (started(leader).length > runsSoFar ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    await sleep(500);
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    await leader.exited;
    const takeover = await waitUntil(
      'the standby to take over',
      async () => standby.lines().find((l) => /expired: taking it over/.test(l.message)),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const tookOverAt = Date.parse(takeover.time);
    const takeoverMs = tookOverAt - killedAt;
    t.true(takeoverMs <= 15_000 + 1_000, `took over ${takeoverMs} ms after the kill (lease 15 s)`);
    t.log(`the standby took over ${takeoverMs} ms after kill -9 of the leader (lease 15 s)`);
    await waitUntil('the Lease to name the new holder', async () =>
      (await lease('two-daemons')).spec.holderIdentity === standby.name ? true : undefined,
    );
    t.is((await lease('two-daemons')).spec.leaseTransitions, 1);

    // The next fires run once each, on the new leader.
    await waitUntil(
      'three runs after the takeover',
      async () => (finished(standby).length >= 3 ? true : undefined),
      {
        timeoutMs: 30_000,
      },
    );
    const allSlots = [...started(leader), ...started(standby)].map(slotMs);
    t.is(new Set(allSlots).size, allSlots.length, 'no fire ran twice, across both daemons');
    const after = started(standby).map(slotMs);
    const firstAfter = Math.min(...after);
    t.true(firstAfter - tookOverAt <= fireEveryMs, 'the first fire after the takeover ran');
    assertOncePerFire(t, after, firstAfter, Math.max(...after), 'after the takeover');
    t.log(`${before.length} fires before the kill, ${after.length} after the takeover: one run each`);
    t.true(
      standby
        .lines()
        .some(
          (l) =>
            /toxic faultline-\S+/.test(l.message) &&
            (l.event === 'recovered' || /^recovered: /.test(l.message)),
        ),
      "the new leader reverted the toxic of the killed leader's run",
    );

    // One report directory per finished run, each a complete journal; SIGTERM: exit 0.
    standby.child.kill('SIGTERM');
    t.is((await standby.exited).exitCode, 0, standby.stderr());
    const finishedRuns = [...finished(leader), ...finished(standby)];
    const dirs = readdirSync(reportDir);
    t.deepEqual(dirs.sort(), finishedRuns.map((l) => String(l.runId)).sort());
    for (const runId of dirs) {
      const journal = JSON.parse(readFileSync(join(reportDir, runId, 'journal.json'), 'utf8')) as {
        verdict: string;
      };
      t.is(journal.verdict, 'held', runId);
      t.true(existsSync(join(reportDir, runId, 'report.html')), runId);
    }
    t.deepEqual(await toxicsLeft(), [], 'no toxic left');
    t.is((await lease('two-daemons')).spec.holderIdentity, undefined, 'the Lease was released');

    // A notice per finished run (the first attempt of each fails with 503 and is retried).
    const delivered = hooks.filter(
      (hook) => hook.attempt === 2 && String(hook.body.text).includes('two-daemons'),
    );
    t.true(
      delivered.length >= finishedRuns.length - 1,
      `${delivered.length} notices for ${finishedRuns.length} runs`,
    );
    const [notice] = delivered;
    t.regex(String(notice?.body.text), /two-daemons-tiny: held \(scheduled run \S+ of two-daemons\/tiny\)/);
    const blocks = JSON.stringify(notice?.body.blocks);
    t.regex(blocks, /\*Verdict\*\\n:white_check_mark: held/);
    t.regex(blocks, /\*Summary\*\\nthe steady-state hypothesis held/);
    t.regex(blocks, /Report: .*report\.html/);
    t.false(
      JSON.stringify(daemons.map((d) => d.stdout())).includes('secret-token'),
      'the webhook URL is never logged',
    );
  },
);

test.serial(
  'SIGTERM mid-run: the run is aborted and reverted, its journal written, the Lease released, exit 0',
  async (t) => {
    t.timeout(90_000);
    const file = await writeFiles('sigterm', '30s');
    const reportDir = join(dir, 'reports-sigterm');
    const daemon = startDaemon('daemon-c', file, reportDir);
    t.teardown(() => daemon.child.kill('SIGKILL'));
    await waitUntil(
      'the fault of a run',
      async () =>
        daemon.lines().some((l) => l.event === 'injected' && /toxic/.test(l.message)) ? true : undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${daemon.stdout()}\n${daemon.stderr()}`);
    });
    const [health, ready] = await Promise.all(
      ['healthz', 'readyz'].map(
        async (path) => (await fetch(`http://127.0.0.1:${daemon.port()}/${path}`)).status,
      ),
    );
    t.deepEqual([health, ready], [200, 200]);
    t.deepEqual((await toxicsLeft(true)).length, 1, 'the toxic is in place before the signal');
    daemon.child.kill('SIGTERM');
    const { exitCode } = await daemon.exited;
    t.is(exitCode, 0, daemon.stderr());
    const [run] = finished(daemon);
    t.is(run?.verdict, 'aborted');
    t.regex(String(run?.reason), /interrupted by SIGTERM/);
    const journal = JSON.parse(readFileSync(join(reportDir, String(run?.runId), 'journal.json'), 'utf8')) as {
      verdict: string;
      faults: { actions: { revert?: string }[] }[];
    };
    t.is(journal.verdict, 'aborted');
    t.true(
      journal.faults.every((fault) =>
        fault.actions.every((action) => action.revert === 'reverted' || action.revert === 'already-gone'),
      ),
      'every action of the fault was put back',
    );
    t.deepEqual(await toxicsLeft(), [], 'no toxic left');
    const proxies = (await (await fetch(`${toxiproxyUrl}/proxies`)).json()) as Record<string, unknown>;
    t.false('sigterm' in proxies, 'the proxy the run created is gone');
    const messages = daemon.lines().map((l) => l.message);
    t.true(
      messages.indexOf('released the Lease') > messages.indexOf('run finished'),
      'released after the run ended',
    );
    t.is((await lease('sigterm')).spec.holderIdentity, undefined);
  },
);

// The standby runs on "another host": its own UTS namespace with a hostname of its own, so the
// leader's pid means nothing to it (as between two pods) and only the cluster tells it the leader's
// run is gone: that run's Lease, no longer renewed, expires; its ledger is on that Lease.
test.serial(
  'leader killed with kill -9 during a partition: the standby, on another host, re-enables the proxy from the cluster ledger within the Lease duration + 2 s',
  async (t) => {
    t.timeout(150_000);
    const proxy = 'cut-by-leader';
    const created = await fetch(`${toxiproxyUrl}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: proxy, listen: `127.0.0.1:${await freePort()}`, upstream: '127.0.0.1:9' }),
    });
    t.is(created.status, 201, await created.text());
    const partition = `
    - name: cut
      partition: { url: "\${TOXIPROXY}", proxy: ${proxy} }`;
    const leaseSeconds = 15;
    const file = await writeFiles('partition', '60s', `${leaseSeconds}s`, partition);
    const reportDir = join(dir, 'reports-partition');
    const leader = startDaemon('daemon-d', file, reportDir);
    t.teardown(() => leader.child.kill('SIGKILL'));
    await waitUntil('daemon-d to lead', async () => leadingAt(leader), { timeoutMs: 20_000 });
    const standby = startDaemon('daemon-e', file, reportDir, [
      'unshare',
      '--uts',
      'sh',
      '-c',
      'hostname faultline-standby-host && exec "$0" "$@"',
    ]);
    t.teardown(() => standby.child.kill('SIGKILL'));
    const enabled = async () =>
      ((await (await fetch(`${toxiproxyUrl}/proxies/${proxy}`)).json()) as { enabled: boolean }).enabled;
    await waitUntil(
      "the partition of the leader's run",
      async () =>
        leader.lines().some((l) => l.event === 'injected') && !(await enabled()) ? true : undefined,
      { timeoutMs: 40_000, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${leader.stdout()}\n${leader.stderr()}`);
    });
    await waitUntil('the standby to start', async () =>
      standby.lines().some((l) => l.message === 'schedule started') ? true : undefined,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${standby.stdout()}\n${standby.stderr()}`);
    });
    t.deepEqual(started(standby), [], 'the standby runs nothing while the leader leads');

    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    await leader.exited;
    const reenabledAfterMs = await waitUntil(
      'the proxy to be enabled again',
      async () => ((await enabled()) ? Date.now() - killedAt : undefined),
      { timeoutMs: (leaseSeconds + 10) * 1000, intervalMs: 100 },
    );
    t.log(
      `the standby re-enabled the proxy ${reenabledAfterMs} ms after kill -9 of the leader (schedule Lease ${leaseSeconds} s, a run's Lease 10 s)`,
    );
    t.true(reenabledAfterMs <= (leaseSeconds + 2) * 1000, `${reenabledAfterMs} ms`);
    const recovered = await waitUntil(
      "the standby's log of it",
      async () => standby.lines().find((l) => l.message.startsWith(`recovered: proxy ${proxy} disabled`)),
      { timeoutMs: 10_000 },
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${standby.stdout()}\n${standby.stderr()}`);
    });
    t.is(
      recovered?.source,
      'cluster',
      "found in the cluster ledger: the leader's ledger file is not the standby's",
    );
    t.regex(String(recovered?.why), /Lease expired/);

    // The standby takes over and goes on firing; SIGTERM ends its run, which reverts its own partition.
    standby.child.kill('SIGTERM');
    t.is((await standby.exited).exitCode, 0, standby.stderr());
    t.true(await enabled());
    t.deepEqual(await toxicsLeft(true), [], 'no mark left on the proxy');
  },
);
