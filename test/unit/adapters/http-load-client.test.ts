import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import {
  createHttpLoadClient,
  type ExchangeResult,
  type LoadExchange,
} from '../../../src/adapters/http-load-client.ts';
import { freePort } from '../../helpers/free-port.ts';

// The load generator's HTTP client against a real local server: how each kind of ending is told apart.

async function withServer(
  handle: (request: IncomingMessage, response: ServerResponse) => void,
  use: (origin: string) => Promise<void>,
): Promise<void> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  try {
    await use(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

// Sends one exchange; resolves with every call of `done` seen until `settleMs` after the first.
async function exchangeOnce(origin: string, exchange: Partial<LoadExchange> = {}, settleMs = 50) {
  const client = createHttpLoadClient(origin, 4);
  const calls: ExchangeResult[] = [];
  const started = performance.now();
  let elapsedMs = 0;
  await new Promise<void>((resolve) =>
    client.send({ method: 'GET', path: '/', timeoutMs: 1000, ...exchange }, (result) => {
      if (calls.length === 0) elapsedMs = performance.now() - started;
      calls.push(result);
      resolve();
    }),
  );
  await sleep(settleMs);
  await client.close();
  return { result: calls[0], calls: calls.length, elapsedMs };
}

test('any status is an answer, with method, headers and body sent as given', async (t) => {
  let seen = '';
  await withServer(
    (request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        seen = `${request.method} ${request.url} ${request.headers['x-test']} ${body}`;
        response.writeHead(404).end('not here');
      });
    },
    async (origin) => {
      const { result, calls } = await exchangeOnce(origin, {
        method: 'POST',
        path: '/a?b=1',
        headers: { 'x-test': 'yes' },
        body: 'hello',
      });
      t.deepEqual(result, { kind: 'answered', status: 404 });
      t.is(calls, 1);
    },
  );
  t.is(seen, 'POST /a?b=1 yes hello');
});

test('no answer within the timeout is a timeout, reported once, however late the answer comes', async (t) => {
  await withServer(
    (_request, response) => void setTimeout(() => response.end('late'), 1500),
    async (origin) => {
      const { result, calls, elapsedMs } = await exchangeOnce(origin, { timeoutMs: 100 }, 1700);
      t.deepEqual(result, { kind: 'timeout' });
      t.is(calls, 1, 'the answer that came later changed nothing');
      t.true(elapsedMs >= 95 && elapsedMs < 1400, `${elapsedMs} ms`);
    },
  );
});

test('a refused connection is a connection failure', async (t) => {
  const { result } = await exchangeOnce(`http://127.0.0.1:${await freePort()}`);
  t.deepEqual(result, { kind: 'connection-failure', code: 'ECONNREFUSED' });
});

test('a connection reset, or closed before the whole answer, is a connection failure', async (t) => {
  await withServer(
    (request) => request.socket.destroy(),
    async (origin) => {
      const { result } = await exchangeOnce(origin);
      t.is(result?.kind, 'connection-failure');
    },
  );
  await withServer(
    (_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('only part of it');
      setTimeout(() => response.socket?.destroy(), 20);
    },
    async (origin) => {
      const { result } = await exchangeOnce(origin);
      t.is(result?.kind, 'connection-failure', 'headers said 200, but the body was cut short');
    },
  );
});
