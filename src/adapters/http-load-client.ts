import type { Dispatcher } from 'undici';
import { Pool } from 'undici';

// The HTTP client of the load generator: one undici Pool per origin, keep-alive, one request per
// connection at a time (pipelining 1), at most `maxConnections` connections, so a request in flight
// always has a connection of its own and never waits in a client-side queue. Callback-shaped, not
// promise-shaped: it runs thousands of times per second.

export type LoadExchange = {
  method: string;
  /** Path and query, e.g. `/search?q=x`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange (connect, send, headers, body) must end within this, or it is a timeout. */
  timeoutMs: number;
};

/** How one exchange ended. A status is an answer, whatever it is; the caller judges it. */
export type ExchangeResult =
  | { kind: 'answered'; status: number }
  | { kind: 'timeout' }
  | { kind: 'connection-failure'; code: string };

export type LoadTransport = {
  /** `done` is called exactly once, with how the exchange ended. */
  send(exchange: LoadExchange, done: (result: ExchangeResult) => void): void;
  close(): Promise<void>;
};

export function createHttpLoadClient(origin: string, maxConnections: number): LoadTransport {
  const pool = new Pool(origin, {
    connections: maxConnections,
    pipelining: 1,
    // The exchange's own deadline (below) decides timeouts; undici's are only a backstop.
    headersTimeout: 0,
    bodyTimeout: 0,
    connectTimeout: 0,
  });
  return {
    send(exchange, done) {
      const handler = new ExchangeHandler(done, exchange.timeoutMs);
      const options: Dispatcher.DispatchOptions = {
        method: exchange.method as Dispatcher.HttpMethod,
        path: exchange.path,
        headers: exchange.headers,
        body: exchange.body ?? null,
      };
      try {
        pool.dispatch(options, handler);
      } catch (error) {
        handler.onResponseError(undefined, error as Error);
      }
    },
    // Called once every exchange has ended (by its answer, error or deadline): nothing left to wait
    // for. A connect still pending to a pod that is gone (SYNs into the void, no connect timeout)
    // would hold pool.close() for the kernel's ~2 min of retries, so the pool is destroyed instead.
    close: () => pool.destroy(),
  };
}

class TimeoutReached extends Error {}

// Reads the whole body (an answer cut short is a connection failure, not an answer) and ends the
// exchange exactly once: at its end, at its error, or when its deadline passes (then the socket is
// destroyed, so a late answer cannot reuse it).
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private ended = false;
  private controller: Dispatcher.DispatchController | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly done: (result: ExchangeResult) => void;

  constructor(done: (result: ExchangeResult) => void, timeoutMs: number) {
    this.done = done;
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.ended) controller.abort(new TimeoutReached('deadline passed before the request started'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(): void {}

  onResponseEnd(): void {
    this.finish({ kind: 'answered', status: this.status });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (error instanceof TimeoutReached) return;
    this.finish(classifyFailure(error));
  }

  private expire(): void {
    if (this.ended) return;
    this.finish({ kind: 'timeout' });
    this.controller?.abort(new TimeoutReached('deadline passed'));
  }

  private finish(result: ExchangeResult): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.done(result);
  }
}

// undici's own timeouts are disabled above, so any error that is not our deadline is the
// connection's: refused, reset, closed before the answer was complete, or a socket-level error.
function classifyFailure(error: Error): ExchangeResult {
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return { kind: 'timeout' };
  return { kind: 'connection-failure', code: code ?? error.name };
}
