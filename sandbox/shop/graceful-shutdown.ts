import type { Server, ServerResponse } from 'node:http';

export interface GracefulShutdownOptions {
  /** Time between the signal and closing the listener, for load balancers to notice readiness 503. */
  drainDelayMs: number;
  /** Counted from the signal: if requests are still in flight by then, exit 1. */
  shutdownTimeoutMs: number;
  log?: (line: string) => void;
  exit?: (code: number) => never;
}

export interface GracefulShutdown {
  isShuttingDown(): boolean;
}

export type ShutdownOptions =
  | ({ mode: 'graceful' } & GracefulShutdownOptions)
  | { mode: 'immediate'; log?: (line: string) => void; exit?: (code: number) => never };

// Installs the chosen behaviour for SIGTERM/SIGINT on a server that has no request listener yet.
export function installShutdown(server: Server, options: ShutdownOptions): GracefulShutdown {
  return options.mode === 'graceful'
    ? installGracefulShutdown(server, options)
    : installImmediateShutdown(options);
}

// What a service that ignores the signal's purpose does: it exits at once, cutting in-flight requests,
// and its readiness never turns 503. (Node as PID 1 in a container would otherwise ignore SIGTERM.)
export function installImmediateShutdown(
  options: { log?: (line: string) => void; exit?: (code: number) => never } = {},
): GracefulShutdown {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const stopNow = (signal: NodeJS.Signals): void => {
    log(`${signal} received: exiting at once, in-flight requests are cut`);
    exit(0);
  };
  process.on('SIGTERM', stopNow);
  process.on('SIGINT', stopNow);
  return { isShuttingDown: () => false };
}

// Must be installed before the app's request listener so it sees every request first.
// On SIGTERM/SIGINT: readiness turns 503 at once; the listener closes after the drain delay;
// every response from then on carries `connection: close`; the process exits 0 once the last
// connection is gone, or 1 at the hard limit.
export function installGracefulShutdown(server: Server, options: GracefulShutdownOptions): GracefulShutdown {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const inFlight = new Set<ServerResponse>();
  let shuttingDown = false;

  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    if (shuttingDown) askClientToDisconnect(response);
    // Idle keep-alive sockets are not closed before the drain delay is over: a client may be sending
    // on one at that very moment (the request is then lost as a reset). Until then each connection
    // gets `connection: close` on its next answer; after it, the client's keep-alive timeout (4 s in
    // undici, below the server's 5 s) has closed those it left idle.
    response.once('close', () => inFlight.delete(response));
  });

  const beginShutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${signal} received: readiness is now 503, draining ${inFlight.size} in-flight request(s)`);
    for (const response of inFlight) askClientToDisconnect(response);

    const hardLimit = setTimeout(() => {
      log(`shutdown timeout (${options.shutdownTimeoutMs} ms): ${inFlight.size} request(s) still in flight`);
      exit(1);
    }, options.shutdownTimeoutMs);

    setTimeout(() => {
      server.close(() => {
        clearTimeout(hardLimit);
        log('all requests finished, exiting');
        exit(0);
      });
      server.closeIdleConnections();
    }, options.drainDelayMs);
  };

  process.on('SIGTERM', beginShutdown);
  process.on('SIGINT', beginShutdown);
  return { isShuttingDown: () => shuttingDown };
}

// Node ends a keep-alive socket after a response that carries `connection: close`.
function askClientToDisconnect(response: ServerResponse): void {
  if (!response.headersSent) response.setHeader('connection', 'close');
}
