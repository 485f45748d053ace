// scripts/testenv.sh itself: a second, independent sandbox (own directory, own ports) is brought up
// twice, checked, and brought down, leaving no port bound and the main sandbox untouched; the same
// with real nodes, beside the main sandbox's, leaving no process, mount, namespace, rule or port.
// Needs: the built binaries (cache) and the main sandbox with real nodes (for the "untouched" checks).
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { runProcess } from '../helpers/run-process.ts';
import { loadRealNodesEnv, projectRoot } from '../helpers/sandbox-env.ts';

const script = join(projectRoot, 'scripts/testenv.sh');
// Below the ephemeral port range, like the default; another block when 27000 is taken on this machine.
const portBase = Number(process.env.FAULTLINE_TESTENV_SECOND_PORT_BASE ?? 27000);

const isBound = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

// What is there now and was not before. Another sandbox on the machine (another engineer's) may
// come or go meanwhile: only what appeared is this test's business.
const added = (before: readonly string[], now: readonly string[]): string[] =>
  now.filter((item) => !before.includes(item));

test.serial('up twice is harmless, status reports it, down stops exactly what it started', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-testenv-'));
  const env = { ...process.env, FAULTLINE_TESTENV_DIR: dir, FAULTLINE_TESTENV_PORT_BASE: String(portBase) };
  try {
    const first = await runProcess('bash', [script, 'up', '--nodes', '2'], { env, timeoutMs: 300_000 });
    t.is(first.exitCode, 0, first.stderr);
    const envFile = readFileSync(join(dir, 'env'), 'utf8');
    for (const key of [
      'KUBECONFIG',
      'TOXIPROXY_URL',
      'PROMETHEUS_URL',
      'STOREFRONT_URL',
      'FRAGILE_STOREFRONT_URL',
    ]) {
      t.regex(envFile, new RegExp(`^${key}=\\S+`, 'm'));
    }
    t.regex(envFile, new RegExp(`^TOXIPROXY_URL=http://127.0.0.1:${portBase + 474}$`, 'm'));
    const pidsBefore = readFileSync(join(dir, 'run/pids/kube-apiserver.pid'), 'utf8');

    const second = await runProcess('bash', [script, 'up', '--nodes', '2'], { env, timeoutMs: 300_000 });
    t.is(second.exitCode, 0, second.stderr);
    t.regex(second.stderr, /already up/);
    t.is(
      readFileSync(join(dir, 'run/pids/kube-apiserver.pid'), 'utf8'),
      pidsBefore,
      'the same apiserver still runs',
    );

    const status = await runProcess('bash', [script, 'status'], { env });
    t.is(status.exitCode, 0, status.stdout);
    t.regex(status.stdout, /kube-apiserver\s+running/);

    const down = await runProcess('bash', [script, 'down'], { env, timeoutMs: 120_000 });
    t.is(down.exitCode, 0, down.stderr);
    for (const offset of [379, 380, 443, 257, 259, 247, 474, 90, 81, 91, 80, 82]) {
      t.false(await isBound(portBase + offset), `port ${portBase + offset} is free after down`);
    }
    const stopped = await runProcess('bash', [script, 'status'], { env });
    t.not(stopped.exitCode, 0);
  } finally {
    await runProcess('bash', [script, 'down'], { env });
    rmSync(dir, { recursive: true, force: true });
  }
  const main = await runProcess('bash', [script, 'status'], { env: process.env });
  t.is(main.exitCode, 0, `the main sandbox is untouched:\n${main.stdout}`);
});

test.serial('a missing prerequisite fails with one clear sentence', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-testenv-'));
  const cache = mkdtempSync(join(tmpdir(), 'faultline-cache-'));
  const env = {
    ...process.env,
    FAULTLINE_TESTENV_DIR: dir,
    FAULTLINE_CACHE: cache,
    FAULTLINE_TESTENV_PORT_BASE: String(portBase),
    PATH: '/usr/bin:/bin',
  };
  try {
    const result = await runProcess('/bin/bash', [script, 'up'], { env });
    t.not(result.exitCode, 0);
    const lines = result.stderr.trim().split('\n');
    t.is(lines.length, 1, result.stderr);
    t.regex(lines[0] ?? '', /Go >= 1\.26 is required/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});

// `up` in a second sandbox with one program replaced by a script that exits at once; down and
// cleanup afterwards whatever the checks found.
async function upWithFailingProgram(
  program: string,
  upArgs: string[],
  check: (result: { exitCode: number | null; stderr: string }, dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-testenv-'));
  const fakeBin = mkdtempSync(join(tmpdir(), 'faultline-fake-bin-'));
  writeFileSync(join(fakeBin, program), `#!/bin/sh\necho "fake ${program} exits" >&2\nexit 1\n`, {
    mode: 0o755,
  });
  const env = {
    ...process.env,
    FAULTLINE_TESTENV_DIR: dir,
    FAULTLINE_TESTENV_PORT_BASE: String(portBase),
    PATH: `${fakeBin}:${process.env.PATH}`,
  };
  try {
    await check(await runProcess('bash', [script, 'up', ...upArgs], { env, timeoutMs: 600_000 }), dir);
  } finally {
    await runProcess('bash', [script, 'down'], { env });
    rmSync(dir, { recursive: true, force: true });
    rmSync(fakeBin, { recursive: true, force: true });
  }
}

test.serial(
  'an up that fails half-way stops everything it had started and leaves no port bound',
  async (t) => {
    // A Prometheus that exits at once: everything before it starts, then up fails waiting for it.
    await upWithFailingProgram('prometheus', ['--nodes', '1'], async (result, dir) => {
      t.not(result.exitCode, 0);
      t.regex(result.stderr, /prometheus did not become ready: it exited/);
      t.regex(result.stderr, /up failed; stopping what it started/);
      for (const offset of [379, 380, 443, 257, 259, 247, 474, 90, 81, 91, 80, 82]) {
        t.false(await isBound(portBase + offset), `port ${portBase + offset} is free after the failed up`);
      }
      t.false(existsSync(join(dir, 'run/pids')), 'no pid files are left');
    });
  },
);

// Everything of a sandbox's real nodes on this host, found the way an operator would look for it.
function realNodeTraces(dir: string, base: number) {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((line) => line.split(' ')[1]?.startsWith(`${dir}/`));
  const processes = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${dir}/`);
      } catch {
        return false;
      }
    });
  const cgroups = readdirSync('/sys/fs/cgroup').flatMap((hierarchy) => {
    try {
      return readdirSync(`/sys/fs/cgroup/${hierarchy}`).filter((name) =>
        name.startsWith(`faultline-${base}-real-node-`),
      );
    } catch {
      return [];
    }
  });
  return {
    mounts,
    processes,
    cgroups,
    netns: mounts.some((line) => line.split(' ')[1] === `${dir}/run/node-network.net`),
    link: existsSync(`/sys/class/net/flt${base}`),
    rules: hostTables().includes(`table ip faultline_${base}`),
    logLinks: (existsSync('/var/log/containers') ? readdirSync('/var/log/containers') : []).filter((name) => {
      try {
        return readlinkSync(`/var/log/containers/${name}`).startsWith(`${dir}/`);
      } catch {
        return false;
      }
    }),
  };
}

// The host's nftables tables (iptables-nft's among them), one "table <family> <name>" each. By the
// system's path: under npm, node_modules/.bin holds @vercel/nft's `nft`.
const hostTables = () =>
  execFileSync('nft', ['list', 'tables'], {
    encoding: 'utf8',
    env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin' },
  })
    .trim()
    .split('\n');

// The host's mount points outside a directory.
const hostMountPoints = (outside?: string) =>
  readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point !== '' && !(outside && point.startsWith(`${outside}/`)));

// The host's tables and mount points before a second sandbox is made.
const hostBefore = () => ({ tables: hostTables(), mounts: hostMountPoints() });

// Nothing of a sandbox's real nodes left, and nothing of the host's added since `before`.
function assertNothingOfTheRealNodesLeft(
  t: ExecutionContext,
  dir: string,
  before: ReturnType<typeof hostBefore>,
) {
  t.deepEqual(realNodeTraces(dir, portBase), noTraces);
  t.deepEqual(added(before.tables, hostTables()), [], 'no nftables table of the host was created or is left');
  t.deepEqual(
    added(before.mounts, hostMountPoints(dir)),
    [],
    'no mount point of the host was made or is left',
  );
}

// What realNodeTraces finds when a sandbox's real nodes left nothing behind.
const noTraces = {
  mounts: [],
  processes: [],
  cgroups: [],
  netns: false,
  link: false,
  rules: false,
  logLinks: [],
};

// Listening TCP sockets in the host's network namespace: "address:port" with the owning pid.
function hostListeners(): { address: string; pids: string[] }[] {
  const out = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => ({
      address: line.trim().split(/\s+/)[3] ?? '',
      pids: [...line.matchAll(/pid=(\d+)/g)].map((m) => m[1] ?? ''),
    }));
}

test.serial(
  'real nodes: a second sandbox runs its own beside the main one, listens on 127.0.0.1 only, and down leaves nothing of them',
  async (t) => {
    const main = loadRealNodesEnv();
    const dir = mkdtempSync(join(tmpdir(), 'faultline-testenv-'));
    const env = { ...process.env, FAULTLINE_TESTENV_DIR: dir, FAULTLINE_TESTENV_PORT_BASE: String(portBase) };
    const host = hostBefore();
    // What a sandbox on the same port base, killed before its down, leaves: its host link and table.
    execFileSync('ip', [
      'link',
      'add',
      `flt${portBase}`,
      'type',
      'veth',
      'peer',
      'name',
      `fltpeer${portBase}`,
    ]);
    execFileSync('nft', ['add', 'table', 'ip', `faultline_${portBase}`], {
      env: { PATH: '/usr/sbin:/sbin:/usr/bin:/bin' },
    });
    try {
      const up = await runProcess('bash', [script, 'up', '--nodes', '1', '--real-nodes', '2'], {
        env,
        timeoutMs: 900_000,
      });
      t.is(up.exitCode, 0, up.stderr);
      t.regex(
        up.stderr,
        new RegExp(`removing link flt${portBase}, left by a sandbox on port base ${portBase}`),
      );
      t.regex(up.stderr, new RegExp(`removing nftables table ip faultline_${portBase}, left by a sandbox`));
      const envFile = readFileSync(join(dir, 'env'), 'utf8');
      const graceful = `http://127.0.0.1:${portBase + 330}`;
      const fragile = `http://127.0.0.1:${portBase + 332}`;
      t.regex(envFile, new RegExp(`^GRACEFUL_NODEPORT_URL=${graceful}$`, 'm'));
      t.regex(envFile, new RegExp(`^FRAGILE_NODEPORT_URL=${fragile}$`, 'm'));
      for (const url of [graceful, fragile, main.GRACEFUL_NODEPORT_URL, main.FRAGILE_NODEPORT_URL]) {
        t.is((await fetch(`${url}/`)).status, 200, `${url} answers while both sandboxes have real nodes`);
      }
      const status = await runProcess('bash', [script, 'status'], { env });
      t.is(status.exitCode, 0, status.stdout);
      t.regex(status.stdout, /kubelet-1\s+running/);
      t.regex(status.stdout, /real-node-1\s+Ready/);

      const pids = new Set(
        readdirSync(join(dir, 'run/pids')).map((file) =>
          readFileSync(join(dir, 'run/pids', file), 'utf8').trim(),
        ),
      );
      const own = hostListeners().filter((l) => l.pids.some((pid) => pids.has(pid)));
      t.true(own.length >= 10, `the sandbox's servers listen on the host: ${JSON.stringify(own)}`);
      for (const listener of own) t.regex(listener.address, /^127\.0\.0\.1:\d+$/);

      const during = realNodeTraces(dir, portBase);
      t.true(during.mounts.length > 0 && during.processes.length > 0 && during.cgroups.length > 0);
      t.true(during.netns && during.link && during.rules);
      t.deepEqual(during.logLinks, [], "the kubelets' /var/log/containers is their own, not the host's");

      const down = await runProcess('bash', [script, 'down'], { env, timeoutMs: 300_000 });
      t.is(down.exitCode, 0, down.stderr);
      assertNothingOfTheRealNodesLeft(t, dir, host);
      for (const listener of hostListeners()) {
        const port = Number(listener.address.split(':').pop());
        t.false(port >= portBase && port < portBase + 500, `${listener.address} is still bound after down`);
      }
    } finally {
      await runProcess('bash', [script, 'down'], { env, timeoutMs: 300_000 });
      rmSync(dir, { recursive: true, force: true });
    }
    for (const url of [main.GRACEFUL_NODEPORT_URL, main.FRAGILE_NODEPORT_URL]) {
      t.is((await fetch(`${url}/`)).status, 200, `the main sandbox's ${url} is untouched`);
    }
  },
);

test.serial(
  'real nodes that fail to start are stopped with the rest, leaving no namespace, rule or port',
  async (t) => {
    // A containerd that exits at once: the node network is made, then up fails waiting for containerd.
    const host = hostBefore();
    await upWithFailingProgram('containerd', ['--nodes', '1', '--real-nodes', '1'], async (result, dir) => {
      t.not(result.exitCode, 0);
      t.regex(result.stderr, /containerd-0 did not become ready: it exited/);
      t.regex(result.stderr, /up failed; stopping what it started/);
      assertNothingOfTheRealNodesLeft(t, dir, host);
      for (const offset of [379, 443, 474, 81, 80, 330, 332]) {
        t.false(await isBound(portBase + offset), `port ${portBase + offset} is free after the failed up`);
      }
      t.false(existsSync(join(dir, 'run/pids')), 'no pid files are left');
    });
  },
);
