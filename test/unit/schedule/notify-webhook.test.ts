// Run-end webhooks: the Slack-compatible payload, and delivery with retries and backoff against a
// local HTTP server (the waits between attempts go through a clock the test records).
import { createServer } from 'node:http';
import test from 'ava';
import type { Clock } from '../../../src/clock.ts';
import { createJsonLog } from '../../../src/schedule/json-log.ts';
import {
  createWebhookNotifier,
  describeWebhook,
  postWebhook,
  type RunNotice,
  slackPayload,
} from '../../../src/schedule/notify-webhook.ts';

const notice: RunNotice = {
  schedule: 'shop-gameday',
  entry: 'slow-catalog',
  experiment: 'storefront-survives-slow-catalog',
  runId: '20261126T130412Z-3f9a',
  verdict: 'deviated',
  reason: 'storefront-answers deviated 2 times in a row: latency 812 ms > 500 ms & <b>',
  report: 'reports/20261126T130412Z-3f9a/report.html',
  startedAt: 0,
  endedAt: 125_000,
  revertFailed: false,
  runner: 'faultline-7d9c-x2',
};

function recordingClock(): Clock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => 0, sleep: async (ms) => void waits.push(ms) };
}

async function server(statuses: number[]) {
  const bodies: unknown[] = [];
  const http = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    request.on('end', () => {
      bodies.push(JSON.parse(text));
      response.writeHead(statuses[bodies.length - 1] ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/services/T0/B0/token`;
  return { url, bodies, close: () => http.close() };
}

test('the payload: text, then blocks with verdict, summary and report path (mrkdwn escaped)', (t) => {
  const payload = slackPayload(notice);
  t.is(
    payload.text,
    'storefront-survives-slow-catalog: deviated (scheduled run 20261126T130412Z-3f9a of shop-gameday/slow-catalog)',
  );
  t.deepEqual(
    payload.blocks.map((block) => block.type),
    ['header', 'section', 'section', 'context'],
  );
  const text = JSON.stringify(payload.blocks);
  t.true(text.includes('*Verdict*\\n:warning: deviated'));
  t.true(text.includes('*Duration*\\n2m 5s'));
  t.true(
    text.includes(
      '*Summary*\\nstorefront-answers deviated 2 times in a row: latency 812 ms &gt; 500 ms &amp; &lt;b&gt;',
    ),
  );
  t.true(text.includes('Report: reports/20261126T130412Z-3f9a/report.html'));
});

test('a revert that failed is said first', (t) => {
  const payload = slackPayload({ ...notice, verdict: 'aborted', revertFailed: true });
  t.regex(payload.text, /aborted, COULD NOT REVERT/);
  t.true(JSON.stringify(payload.blocks).includes(':rotating_light:'));
});

test('5xx and 429 are retried with a doubling backoff, then it is delivered', async (t) => {
  const hook = await server([503, 429, 200]);
  t.teardown(hook.close);
  const clock = recordingClock();
  const result = await postWebhook(hook.url, { text: 'hi' }, { clock, firstDelayMs: 100 });
  t.deepEqual(result, { ok: true, attempts: 3 });
  t.deepEqual(clock.waits, [100, 200]);
  t.deepEqual(hook.bodies, [{ text: 'hi' }, { text: 'hi' }, { text: 'hi' }]);
});

test('a 4xx other than 429 is not retried; giving up returns, never throws', async (t) => {
  const hook = await server([404]);
  t.teardown(hook.close);
  const clock = recordingClock();
  t.deepEqual(await postWebhook(hook.url, {}, { clock }), { ok: false, attempts: 1, error: 'HTTP 404' });
  t.deepEqual(clock.waits, []);
});

test('an unreachable webhook: every attempt, then a logged failure and the counter, not an error', async (t) => {
  const lines: string[] = [];
  const failures: number[] = [];
  const url = 'http://127.0.0.1:9/services/T0/B0/secret-token';
  const notify = createWebhookNotifier({
    urls: [url],
    clock: recordingClock(),
    log: createJsonLog({ write: (line) => lines.push(line), redact: (text) => text }),
    onFailure: () => failures.push(1),
  });
  await t.notThrowsAsync(notify(notice, new AbortController().signal));
  t.is(failures.length, 1);
  const logged = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  t.is(logged.message, 'webhook failed; the schedule goes on');
  t.is(logged.attempts, 4);
  t.is(logged.webhook, 'http://127.0.0.1:9');
  t.false(lines.join('').includes('secret-token'), 'the secret part of the URL is never logged');
  t.is(describeWebhook('not a url'), 'an invalid URL');
});
