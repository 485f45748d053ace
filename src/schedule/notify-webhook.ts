// A webhook per run end: Slack-compatible JSON (`text` for notifications and clients without
// blocks, `blocks` with verdict, summary and report path), POSTed with retries and backoff. A
// failing webhook is reported to the caller, never thrown: it must not stop the daemon.
import type { Clock } from '../clock.ts';
import type { Verdict } from '../engine/verdict.ts';
import type { Log } from './json-log.ts';

export type RunNotice = {
  schedule: string;
  entry: string;
  experiment: string;
  runId: string;
  verdict: Verdict;
  reason: string;
  /** Where the report (or the journal) was written. */
  report: string | undefined;
  startedAt: number;
  endedAt: number;
  revertFailed: boolean;
  /** Which daemon ran it (the Lease holder identity). */
  runner: string;
};

export type SlackPayload = { text: string; blocks: Record<string, unknown>[] };

const verdictMarks: Record<Verdict, string> = {
  held: ':white_check_mark:',
  deviated: ':warning:',
  'not-started': ':double_vertical_bar:',
  aborted: ':stop_sign:',
  error: ':x:',
};

// Slack's mrkdwn treats &, < and > as control characters.
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
}

export function slackPayload(notice: RunNotice): SlackPayload {
  const verdict = notice.revertFailed ? `${notice.verdict}, COULD NOT REVERT` : notice.verdict;
  const mark = notice.revertFailed ? ':rotating_light:' : verdictMarks[notice.verdict];
  const text = `${notice.experiment}: ${verdict} (scheduled run ${notice.runId} of ${notice.schedule}/${notice.entry})`;
  const field = (title: string, value: string) => ({
    type: 'mrkdwn',
    text: `*${title}*\n${escapeSlack(value)}`,
  });
  return {
    text,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: `${notice.experiment}: ${verdict}`.slice(0, 150), emoji: true },
      },
      {
        type: 'section',
        fields: [
          { type: 'mrkdwn', text: `*Verdict*\n${mark} ${escapeSlack(verdict)}` },
          field('Run', notice.runId),
          field('Schedule', `${notice.schedule} / ${notice.entry}`),
          field('Duration', formatElapsed(notice.endedAt - notice.startedAt)),
        ],
      },
      { type: 'section', text: { type: 'mrkdwn', text: `*Summary*\n${escapeSlack(notice.reason)}` } },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `Report: ${escapeSlack(notice.report ?? 'not written')}` },
          { type: 'mrkdwn', text: `Run by ${escapeSlack(notice.runner)}` },
        ],
      },
    ],
  };
}

export type WebhookResult = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

// Retries network failures, timeouts, 429 and 5xx (1 s, 2 s, 4 s ... between attempts); another
// 4xx will not get better by retrying.
export async function postWebhook(
  url: string,
  payload: unknown,
  options: {
    clock: Clock;
    attempts?: number;
    firstDelayMs?: number;
    timeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<WebhookResult> {
  const attempts = options.attempts ?? 4;
  let delay = options.firstDelayMs ?? 1_000;
  let error = 'not sent';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retryable = true;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true, attempts: attempt };
      error = `HTTP ${response.status}`;
      retryable = response.status === 429 || response.status >= 500;
    } catch (failure) {
      const cause = (failure as { cause?: { code?: string } }).cause?.code;
      error = cause ?? (failure as Error).message;
    }
    if (!retryable || attempt === attempts || options.signal?.aborted)
      return { ok: false, attempts: attempt, error };
    await options.clock.sleep(delay, options.signal);
    delay *= 2;
  }
  return { ok: false, attempts, error };
}

// Where a webhook points, without the secret part of its URL (Slack's is a token in the path).
export function describeWebhook(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

// Every webhook of the schedule, in parallel; each failure is logged and counted, never thrown.
export function createWebhookNotifier(options: {
  urls: readonly string[];
  clock: Clock;
  log: Log;
  onFailure?: () => void;
}): (notice: RunNotice, signal: AbortSignal) => Promise<void> {
  return async (notice, signal) => {
    const payload = slackPayload(notice);
    await Promise.all(
      options.urls.map(async (url) => {
        const result = await postWebhook(url, payload, { clock: options.clock, signal });
        const fields = { runId: notice.runId, webhook: describeWebhook(url), attempts: result.attempts };
        if (result.ok) {
          options.log('info', 'webhook notified', fields);
        } else {
          options.log('warn', 'webhook failed; the schedule goes on', { ...fields, error: result.error });
          options.onFailure?.();
        }
      }),
    );
  };
}
