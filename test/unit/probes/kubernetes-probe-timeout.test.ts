// A Kubernetes probe against an API server that accepts connections and never answers (a local TCP
// server named as the cluster in a real kubeconfig file): the sample is a `timeout` within the
// probe's timeout, and the connection is closed rather than left waiting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createKubernetesAdapter } from '../../../src/adapters/kubernetes.ts';
import { systemClock } from '../../../src/clock.ts';
import type { ProbeSpec } from '../../../src/experiment/schema.ts';
import { takeSample } from '../../../src/probes/take-sample.ts';

async function silentApiServer() {
  const sockets: Socket[] = [];
  const closed: number[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.resume(); // read (and ignore) the request, so the client's end of the connection is seen
    socket.on('close', () => closed.push(Date.now()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'faultline-silent-')), 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: silent, cluster: { server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t0ken-value } }]
contexts: [{ name: silent, context: { cluster: silent, user: u } }]
current-context: silent
`,
  );
  return {
    kubeconfig,
    sockets,
    closed,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

test('a kubernetes probe gives a timeout sample within its timeout, and its request is ended', async (t) => {
  const server = await silentApiServer();
  t.teardown(server.stop);
  const adapter = createKubernetesAdapter({ kubeconfig: server.kubeconfig });
  const probe: ProbeSpec = {
    name: 'replicas',
    kubernetes: { kind: 'Deployment', namespace: 'shop', name: 'checkout', field: 'status.readyReplicas' },
    expect: { atLeast: 1 },
    timeout: '1s',
  };
  const started = Date.now();
  const sample = await takeSample(probe, { clock: systemClock, kubernetes: () => adapter });
  t.is(sample.outcome, 'timeout', sample.detail);
  t.regex(sample.detail ?? '', /no answer from the API server at http:\/\/127\.0\.0\.1:\d+ within 1000 ms/);
  // The adapter's own deadline is 30 s; a loaded machine may add seconds, not tens of them.
  t.true(sample.durationMs < 15_000, `took ${sample.durationMs} ms`);
  t.true(server.sockets.length >= 1, 'the request reached the server');
  const deadline = Date.now() + 5_000;
  while (server.closed.length < server.sockets.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.is(server.closed.length, server.sockets.length, 'every connection was closed by the client');
  t.true((server.closed[0] ?? Infinity) - started < 15_000);
});

test('without a timeout of its own, a listing probe times out after the default 5 s, all pages included', async (t) => {
  const server = await silentApiServer();
  t.teardown(server.stop);
  const adapter = createKubernetesAdapter({ kubeconfig: server.kubeconfig });
  const probe: ProbeSpec = {
    name: 'ready-pods',
    kubernetes: { kind: 'Pod', namespace: 'shop', selector: 'app=checkout', field: 'status.phase' },
    expect: { equals: 'Running' },
  };
  const sample = await takeSample(probe, { clock: systemClock, kubernetes: () => adapter });
  t.is(sample.outcome, 'timeout', sample.detail);
  t.regex(sample.detail ?? '', /within 5000 ms/);
  t.true(sample.durationMs >= 4_900 && sample.durationMs < 20_000, `took ${sample.durationMs} ms`);
});
