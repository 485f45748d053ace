// /metrics, /healthz and /readyz on a real socket (127.0.0.1, a free port).
import test from 'ava';
import { parseListenAddress, startDaemonHttp } from '../../../src/schedule/daemon-http.ts';
import { createDaemonMetrics } from '../../../src/schedule/daemon-metrics.ts';
import { createJsonLog } from '../../../src/schedule/json-log.ts';

test('--listen addresses', (t) => {
  t.deepEqual(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
  t.deepEqual(parseListenAddress('0.0.0.0:0'), { host: '0.0.0.0', port: 0 });
  t.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  t.is(parseListenAddress('9464'), undefined);
  t.is(parseListenAddress('localhost:99999'), undefined);
});

test('the endpoints answer as the daemon stands', async (t) => {
  const metrics = createDaemonMetrics({ schedule: 'gd', entries: [{ name: 'e', experiment: 'x' }] });
  metrics.runEnded({ entry: 'e', experiment: 'x', verdict: 'held' });
  metrics.nextFire('e', Date.UTC(2026, 2, 30, 8));
  const state = { healthy: true, ready: false };
  const http = await startDaemonHttp({
    listen: { host: '127.0.0.1', port: 0 },
    metrics: async () => ({ contentType: metrics.contentType, body: await metrics.render() }),
    isHealthy: () => state.healthy,
    isReady: () => state.ready,
  });
  t.teardown(() => http.close());
  const base = `http://127.0.0.1:${http.address.port}`;
  const status = async (path: string, method = 'GET') => (await fetch(`${base}${path}`, { method })).status;
  const body = await (await fetch(`${base}/metrics`)).text();
  t.regex(body, /faultline_runs_total\{entry="e",experiment="x",verdict="held",schedule="gd"\} 1/);
  t.regex(body, /faultline_runs_total\{entry="e",experiment="x",verdict="deviated",schedule="gd"\} 0/);
  t.regex(body, /faultline_next_fire_timestamp_seconds\{entry="e",schedule="gd"\} 1774857600/);
  t.regex(body, /faultline_leader\{schedule="gd"\} 0/);
  t.regex(body, /faultline_process_cpu_user_seconds_total/);
  t.is(await status('/healthz'), 200);
  t.is(await status('/readyz'), 503);
  state.ready = true;
  state.healthy = false;
  t.is(await status('/readyz'), 200);
  t.is(await status('/healthz'), 503);
  t.is(await status('/nothing'), 404);
  t.is(await status('/metrics', 'POST'), 405);
});

test('the log: one JSON object a line, secrets redacted, below the level dropped', (t) => {
  const lines: string[] = [];
  const log = createJsonLog({
    write: (line) => lines.push(line),
    redact: (text) => text.replaceAll('hunter2', '***'),
    now: () => Date.UTC(2026, 0, 1),
    level: 'info',
  });
  log('debug', 'hidden');
  log('warn', 'webhook https://x/hunter2 failed', { attempts: 4 });
  t.deepEqual(lines, [
    '{"time":"2026-01-01T00:00:00.000Z","level":"warn","message":"webhook https://x/*** failed","attempts":4}\n',
  ]);
});
