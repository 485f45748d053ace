import type { ExchangeResult, LoadExchange, LoadTransport } from '../adapters/http-load-client.ts';
import type { Clock } from '../clock.ts';
import { createArrivalSchedule } from './arrival-schedule.ts';
import { createLoadAccount, type LoadAccount } from './load-account.ts';
import { runScheduler } from './run-scheduler.ts';
import type { RequestOutcome } from './second-bucket.ts';
import {
  checkStreamOptions,
  defaultLateAfterMs,
  defaultMaxInFlight,
  type LoadStreamOptions,
  statusMatcher,
} from './stream-options.ts';
import type { WindowSummary } from './summarize-window.ts';
import { summarizeTrailing } from './trailing-window.ts';

// One open-model stream: request i is due at t0 + offsetMs(i) and is sent then, whatever happened
// to the requests before it (no waiting for answers: that would be coordinated omission). A due
// request is not sent, and counted apart, when the in-flight cap is reached or the scheduler
// reaches it more than `lateAfterMs` late. Latency runs from the intended time.

export type LoadStream = {
  readonly name: string;
  /** Epoch ms of request 0's intended time. */
  readonly startedMs: number;
  readonly account: LoadAccount;
  /** Connection failures by error code (ECONNRESET, ECONNREFUSED, UND_ERR_SOCKET, …), whole stream. */
  readonly failureCodes: Map<string, number>;
  /** The limits it runs with, defaults applied. */
  readonly limits: { maxInFlight: number; lateAfterMs: number; timeoutMs: number };
  /** Epoch ms when the first lost request ended (its loss became known); undefined while none. */
  readonly firstLostAt: number | undefined;
  /** Resolves once scheduling has ended (durationMs or stop()) and every request sent has ended. */
  readonly finished: Promise<WindowSummary>;
  /** Stops sending, waits for the requests in flight (each ends by its timeout), closes the client. */
  stop(): Promise<WindowSummary>;
  /** The whole stream so far. */
  summarizeAll(): WindowSummary;
  /** The trailing window a load probe judges at `nowMs` (see trailing-window.ts). */
  summarizeTrailing(windowMs: number, nowMs: number): WindowSummary;
};

export type LoadStreamDeps = {
  clock: Clock;
  connect: (origin: string, maxConnections: number) => LoadTransport;
};

export function startLoadStream(options: LoadStreamOptions, deps: LoadStreamDeps): LoadStream {
  checkStreamOptions(options);
  const schedule = createArrivalSchedule(options.rate);
  const maxInFlight = options.maxInFlight ?? defaultMaxInFlight(schedule.peakPerSecond, options.timeoutMs);
  const lateAfterMs = options.lateAfterMs ?? defaultLateAfterMs;
  const durationMs = options.durationMs ?? Number.POSITIVE_INFINITY;
  const url = new URL(options.url);
  const transport = deps.connect(url.origin, maxInFlight);
  const exchange = exchangeOf(options, url);
  const isExpected = statusMatcher(options.expectStatus);
  const { clock } = deps;
  const account = createLoadAccount();
  const failureCodes = new Map<string, number>();
  const stopping = new AbortController();
  const startedMs = clock.now();
  let lastSecond = Math.floor(startedMs / 1000);
  let drained: (() => void) | undefined;
  let firstLostAt: number | undefined;

  const judge = (result: ExchangeResult): RequestOutcome => {
    if (result.kind === 'answered') return isExpected(result.status) ? 'ok' : 'wrong-status';
    if (result.kind === 'connection-failure')
      failureCodes.set(result.code, (failureCodes.get(result.code) ?? 0) + 1);
    return result.kind;
  };
  const send = (intendedMs: number): void => {
    account.countSent(intendedMs);
    transport.send(exchange, (result) => {
      const endedMs = clock.now();
      const outcome = judge(result);
      if (outcome !== 'ok') firstLostAt ??= endedMs;
      account.countEnded(intendedMs, outcome, endedMs - intendedMs);
      if (account.inFlight() === 0) drained?.();
    });
  };
  const dispatchDue = (intendedMs: number, nowMs: number): void => {
    const second = Math.floor(intendedMs / 1000);
    if (second > lastSecond) {
      lastSecond = second;
      account.closeBefore(second);
    }
    if (nowMs - intendedMs > lateAfterMs) account.countNotSent(intendedMs, 'late');
    else if (account.inFlight() >= maxInFlight) account.countNotSent(intendedMs, 'in-flight-cap');
    else send(intendedMs);
  };
  const drain = async (): Promise<void> => {
    if (account.inFlight() > 0) await new Promise<void>((resolve) => (drained = resolve));
    await transport.close();
  };
  const summarizeAll = (): WindowSummary => account.summarize(startedMs, (lastSecond + 1) * 1000);

  const finished = runScheduler({
    schedule,
    startedMs,
    durationMs,
    clock,
    signal: stopping.signal,
    dispatch: dispatchDue,
  })
    .then(() => account.closeBefore(Number.POSITIVE_INFINITY))
    .then(drain)
    .then(() => summarizeAll());
  return {
    name: options.name,
    startedMs,
    account,
    failureCodes,
    limits: { maxInFlight, lateAfterMs, timeoutMs: options.timeoutMs },
    get firstLostAt() {
      return firstLostAt;
    },
    finished,
    stop() {
      stopping.abort();
      return finished;
    },
    summarizeAll,
    summarizeTrailing: (windowMs, nowMs) =>
      summarizeTrailing(account, {
        windowMs,
        nowMs,
        startedMs,
        lifetimeMs: Math.min(lateAfterMs, 60_000) + options.timeoutMs,
      }),
  };
}

function exchangeOf(options: LoadStreamOptions, url: URL): LoadExchange {
  return {
    method: options.method ?? 'GET',
    path: `${url.pathname}${url.search}`,
    headers: options.headers,
    body: options.body,
    timeoutMs: options.timeoutMs,
  };
}
