// The dead man's switch under torture: kill -9 at a random instant of a CLI run that holds every
// kind of fault that can be left behind, then nothing run by hand.
//
//   export FAULTLINE_TESTENV_PORT_BASE=<yours>; bash scripts/testenv.sh up; npm run build
//   npm run bench:torture [-- --trials 50] [--seed N] [--sources]
//
// The experiment (written to a temporary directory) holds, from 0 to 800 ms into a 4 s method, a
// latency toxic and a partition on the sandbox's `catalog` proxy, a cordon of kwok-node-2, a drain
// of kwok-node-1 and a pod kill in shop/checkout. Each trial starts `faultline run` (the built
// dist/faultline.js, as users run it; --sources runs cli/faultline.ts) in a process group of its
// own and sends SIGKILL to that whole group at an instant drawn uniformly over the length of a
// whole run (measured once beforehand by a run left to finish): before the guard is ready, while
// faults are injected, while they are reverted. Then, with no command run by hand:
//   - what is in place right after the kill (the run's open ledger entries: faults the guard owes);
//   - the time from the kill until the servers show nothing left (polled every 20 ms): the guard's
//     time, for the trials that had faults in place;
//   - what is left 5 s after the kill (toxics, disabled proxy, cordoned nodes, runs' Leases, open
//     ledger entries), and whether the guard process has exited.
// At the end `faultline recover` must find nothing. Goal (issue 12): 0 left in 50, max <= 2 s.
// Anything found left is printed and cleaned up with `faultline recover` before the next trial.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { foldOpenEntries, readLedgerLines } from '../src/ledger/fault-ledger.ts';
import { createSeededRandom } from '../src/selection/seeded-random.ts';
import { createLeftoverReader } from '../test/helpers/faults-left.ts';
import { runProcess } from '../test/helpers/run-process.ts';
import { loadSandboxEnv, projectRoot } from '../test/helpers/sandbox-env.ts';

const argument = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const trials = Number(argument('trials', '50'));
const seed = Number(argument('seed', String(Date.now() % 1e9)));
const entry = process.argv.includes('--sources') ? 'cli/faultline.ts' : 'dist/faultline.js';
const checkAfterMs = 5_000;

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-torture-'));
const ledger = join(dir, 'ledger.jsonl');
const env = { ...process.env, ...sandbox, FAULTLINE_LEDGER: ledger, NO_COLOR: '1' };
const readLeftovers = createLeftoverReader(sandbox, { ledger });
const random = createSeededRandom(seed);
const experiment = join(dir, 'every-fault.yaml');
writeFileSync(
  experiment,
  `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: torture-every-fault }
spec:
  duration: 4s
  hypothesis:
    probes:
      - name: answers
        command: { run: ["true"] }
        expect: { exitCode: 0 }
    during: { every: 1s }
  faults:
    - name: slow-catalog
      toxiproxy: { url: "\${TOXIPROXY_URL}", proxy: catalog, toxic: latency, attributes: { latency: 300 } }
    - name: cut-catalog
      partition: { url: "\${TOXIPROXY_URL}", proxy: catalog }
      start: 200ms
    - name: cordon-one
      nodeCordon: { selector: "kubernetes.io/hostname=kwok-node-2" }
      start: 400ms
    - name: drain-one
      nodeDrain: { selector: "kubernetes.io/hostname=kwok-node-1", timeout: 10s }
      start: 600ms
    - name: kill-one
      podKill: { namespace: shop, selector: app=checkout, count: 1 }
      start: 800ms
  safety: { namespaces: [shop], maxNodes: 2 }
`,
);

function startRun(): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [join(projectRoot, entry), 'run', experiment, '--report-dir', join(dir, 'reports')],
    { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

type Trial = {
  killAtMs: number;
  inPlace: number;
  cleanAfterMs: number | undefined;
  guardPassMs: number | undefined;
  left: string[];
  guardAlive: boolean;
  checkoutReady: number;
};

async function trial(runMs: number): Promise<Trial> {
  const killAtMs = Math.round(random() * runMs);
  const run = startRun();
  await Promise.race([sleep(killAtMs), run.exited]);
  const pid = run.child.pid ?? 0;
  try {
    process.kill(-pid, 'SIGKILL'); // the run and its whole process group
  } catch {} // it had ended already
  const killedAt = Date.now();
  await run.exited;
  const runId = /^run (\S+) of/m.exec(run.stderr())?.[1];
  const guardPid = Number(/^guard (\d+) ready/m.exec(run.stderr())?.[1] ?? 0);
  const inPlace = foldOpenEntries(readLedgerLines(ledger)).filter((e) => e.runId === runId).length;
  let cleanAfterMs: number | undefined;
  while (Date.now() - killedAt < checkAfterMs) {
    if ((await readLeftovers()).left.length === 0) {
      cleanAfterMs = Date.now() - killedAt;
      break;
    }
    await sleep(20);
  }
  await sleep(Math.max(0, killedAt + checkAfterMs - Date.now()));
  const { left, checkoutReady } = await readLeftovers();
  const guardLog = runId ? join(dir, 'guards', `${runId}.log`) : '';
  const pass = existsSync(guardLog)
    ? /first pass done in (\d+) ms/.exec(readFileSync(guardLog, 'utf8'))
    : null;
  if (left.length > 0) await recover();
  return {
    killAtMs,
    inPlace,
    cleanAfterMs,
    guardPassMs: pass ? Number(pass[1]) : undefined,
    left,
    guardAlive: guardPid > 0 && isRunning(guardPid),
    checkoutReady,
  };
}

const recover = () =>
  runProcess(process.execPath, [join(projectRoot, entry), 'recover', '--toxiproxy', sandbox.TOXIPROXY_URL], {
    env,
  });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.floor((sorted.length - 1) / 2)] as number);
};

console.log(
  `torture: ${trials} trials of kill -9 of \`node ${entry} run\` (seed ${seed}); load ${loadNow()}`,
);
const calibration = Date.now();
const whole = startRun();
const code = await whole.exited;
const runMs = Date.now() - calibration;
if (code !== 0) throw new Error(`the calibration run failed (exit ${code}):\n${whole.stderr()}`);
console.log(`a whole run takes ${runMs} ms: kills drawn uniformly in [0, ${runMs}] ms`);

const results: Trial[] = [];
for (let index = 1; index <= trials; index++) {
  const result = await trial(runMs);
  results.push(result);
  console.log(
    `trial ${String(index).padStart(2)}: kill at ${String(result.killAtMs).padStart(5)} ms, ${result.inPlace} in place; ` +
      `clean after ${result.cleanAfterMs ?? '>5000'} ms (guard's first pass ${result.guardPassMs ?? '-'} ms); ` +
      `left after 5 s: ${result.left.length}${result.left.length ? ` (${result.left.join(', ')})` : ''}` +
      `${result.guardAlive ? '; GUARD STILL RUNNING' : ''}; checkout Ready ${result.checkoutReady}/3`,
  );
}

const acted = results.filter((r) => r.inPlace > 0);
const times = acted.flatMap((r) => (r.cleanAfterMs === undefined ? [] : [r.cleanAfterMs]));
const passes = acted.flatMap((r) => (r.guardPassMs === undefined ? [] : [r.guardPassMs]));
const finalRecover = await recover();
console.log('');
console.log(`trials: ${trials}; with faults in place at the kill: ${acted.length}`);
console.log(`left after 5 s: ${results.filter((r) => r.left.length > 0).length} of ${trials}`);
console.log(`guard processes still running after 5 s: ${results.filter((r) => r.guardAlive).length}`);
console.log(
  `kill -> nothing left (trials with faults in place): median ${median(times)} ms, max ${Math.max(...times)} ms` +
    `${times.length < acted.length ? `, ${acted.length - times.length} not clean within 5 s` : ''}`,
);
console.log(`guard's first pass (its log): median ${median(passes)} ms, max ${Math.max(...passes)} ms`);
console.log(
  `checkout fully Ready 5 s after the kill: ${results.filter((r) => r.checkoutReady === 3).length} of ${trials}`,
);
console.log(`faultline recover at the end: ${finalRecover.stdout.trim()} (exit ${finalRecover.exitCode})`);
console.log(`load ${loadNow()}; machine up ${Math.round(uptime() / 60)} min`);

function loadNow(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
