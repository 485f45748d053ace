// The one error type adapters throw: why an outside server failed us, so callers can tell an
// unreachable server from a refusal or a missing object, and the CLI can pick an exit code.
export type AdapterFailure =
  | 'unreachable'
  | 'timeout'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'other';

export class AdapterError extends Error {
  readonly failure: AdapterFailure;
  readonly service: string;
  readonly status: number | undefined;

  constructor(
    service: string,
    failure: AdapterFailure,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(`${service}: ${message}`, { cause: options.cause });
    this.name = 'AdapterError';
    this.service = service;
    this.failure = failure;
    this.status = options.status;
  }
}

export function isAdapterError(error: unknown, failure?: AdapterFailure): error is AdapterError {
  return error instanceof AdapterError && (failure === undefined || error.failure === failure);
}

// Network-level failures from fetch (undici) carry a `cause` with a code such as ECONNREFUSED.
export function isNetworkFailure(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ''} ${String((error as { cause?: { code?: string } })?.cause?.code ?? '')}`;
  return /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|fetch failed|socket hang up|UND_ERR/i.test(
    text,
  );
}

export async function withTimeout<T>(service: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AdapterError(service, 'timeout', `no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
