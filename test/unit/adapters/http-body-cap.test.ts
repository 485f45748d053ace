// An HTTP probe against a local server whose body never ends: the probe reads its first mebibyte,
// closes the connection and answers; it does not read until the deadline or out of memory.
import { createServer, type ServerResponse } from 'node:http';
import test, { type ExecutionContext } from 'ava';
import { defaultMaxBodyBytes } from '../../../src/adapters/http.ts';
import { systemClock } from '../../../src/clock.ts';
import type { ProbeSpec } from '../../../src/experiment/schema.ts';
import { takeSample } from '../../../src/probes/take-sample.ts';

const chunk = Buffer.alloc(64 * 1024, 'a');

async function endlessServer() {
  const connections = { sent: 0, closed: 0 };
  const server = createServer((_request, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.write('status: ready\n');
    const pump = () => {
      while (!response.destroyed && response.write(chunk)) connections.sent += chunk.length;
    };
    response.on('drain', pump);
    response.on('close', () => connections.closed++);
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/stream`,
    connections,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const context = { clock: systemClock, kubernetes: () => ({}) as never };

async function sampleEndless(t: ExecutionContext, bodyMatches: string) {
  const server = await endlessServer();
  t.teardown(server.stop);
  const probe: ProbeSpec = {
    name: 'page',
    http: { url: server.url, timeout: '20s' },
    expect: { status: 200, bodyMatches },
  };
  return { server, sample: await takeSample(probe, context) };
}

test('a body that never ends is read up to the cap: a body match that needs more says so', async (t) => {
  const { server, sample } = await sampleEndless(t, 'the end');
  t.is(sample.outcome, 'out-of-tolerance', sample.detail);
  t.is(
    sample.detail,
    'body does not match /the end/ in its first 1 MiB (the body went on; the rest was not read)',
  );
  t.true(sample.durationMs < 15_000, `took ${sample.durationMs} ms, the timeout is 20 s`);
  await waitFor(() => server.connections.closed === 1);
  t.is(server.connections.closed, 1, 'the connection was closed');
  // What the server wrote before the close: the cap plus what the sockets' buffers held.
  t.true(server.connections.sent < 32 * defaultMaxBodyBytes, `${server.connections.sent} bytes sent`);
});

test('a body match found within the cap holds, though the body goes on', async (t) => {
  const { sample } = await sampleEndless(t, '^status: ready');
  t.is(sample.outcome, 'ok', sample.detail);
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
