// scripts/testenv.sh itself: a second, independent sandbox (own directory, own ports) is brought up
// twice, checked, and brought down, leaving no port bound and the main sandbox untouched.
// Needs: the built binaries (cache) and the main sandbox (for the "untouched" check).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runProcess } from '../helpers/run-process.ts';
import { projectRoot } from '../helpers/sandbox-env.ts';

const script = join(projectRoot, 'scripts/testenv.sh');
const portBase = 27000; // below the ephemeral port range, like the default

const isBound = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

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

test.serial(
  'an up that fails half-way stops everything it had started and leaves no port bound',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-testenv-'));
    const fakeBin = mkdtempSync(join(tmpdir(), 'faultline-fake-bin-'));
    // A Prometheus that exits at once: everything before it starts, then up fails waiting for it.
    writeFileSync(join(fakeBin, 'prometheus'), '#!/bin/sh\necho "fake prometheus exits" >&2\nexit 1\n', {
      mode: 0o755,
    });
    const env = {
      ...process.env,
      FAULTLINE_TESTENV_DIR: dir,
      FAULTLINE_TESTENV_PORT_BASE: String(portBase),
      PATH: `${fakeBin}:${process.env.PATH}`,
    };
    try {
      const result = await runProcess('bash', [script, 'up', '--nodes', '1'], { env, timeoutMs: 300_000 });
      t.not(result.exitCode, 0);
      t.regex(result.stderr, /prometheus did not become ready/);
      t.regex(result.stderr, /up failed; stopping what it started/);
      for (const offset of [379, 380, 443, 257, 259, 247, 474, 90, 81, 91, 80, 82]) {
        t.false(await isBound(portBase + offset), `port ${portBase + offset} is free after the failed up`);
      }
      t.false(existsSync(join(dir, 'run/pids')), 'no pid files are left');
    } finally {
      await runProcess('bash', [script, 'down'], { env });
      rmSync(dir, { recursive: true, force: true });
      rmSync(fakeBin, { recursive: true, force: true });
    }
  },
);
