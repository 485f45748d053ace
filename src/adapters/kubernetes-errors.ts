// How Kubernetes API failures become AdapterErrors: one mapping for every file that talks to the
// API server (the main adapter and the Lease client).
import { ApiException } from '@kubernetes/client-node';
import { AdapterError, type AdapterFailure, isNetworkFailure } from './adapter-error.ts';
import { runWithSignal } from './kubernetes-deadline.ts';

const service = 'kubernetes';
const defaultTimeoutMs = 30_000;

/** A call's own deadline (default 30 s) and the caller's signal (a run being stopped). */
export type CallOptions = { timeoutMs?: number; signal?: AbortSignal };

// One call, which may be several requests (the pages of a list): all of it within the deadline.
export async function callApi<T>(
  server: string,
  what: string,
  work: () => Promise<T>,
  options: CallOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  try {
    return await runWithSignal(signal, work);
  } catch (error) {
    if (deadline.aborted) {
      const message = `${what}: no answer from the API server at ${server} within ${timeoutMs} ms`;
      throw new AdapterError(service, 'timeout', message, { cause: error });
    }
    if (options.signal?.aborted)
      throw new AdapterError(service, 'other', `${what}: cancelled`, { cause: error });
    throw toAdapterError(server, what, error);
  }
}

const failureByStatus: Record<number, AdapterFailure> = {
  400: 'invalid',
  401: 'forbidden',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  422: 'invalid',
};

export function toAdapterError(server: string, what: string, error: unknown): AdapterError {
  if (error instanceof AdapterError) return error;
  if (error instanceof ApiException) {
    const status = error.code;
    const failure = failureByStatus[status] ?? 'other';
    const message = serverMessageOf(error) ?? `HTTP ${status}`;
    return new AdapterError(service, failure, `${what}: ${message} (HTTP ${status})`, {
      status,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  if (isNetworkFailure(error)) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? message;
    return new AdapterError(
      service,
      'unreachable',
      `${what}: cannot reach the API server at ${server} (${reason})`,
      {
        cause: error,
      },
    );
  }
  return new AdapterError(service, 'other', `${what}: ${message}`, { cause: error });
}

// The client keeps an error's body as the server's text; a Status object carries a message.
function statusBodyOf(
  error: unknown,
): { message?: string; details?: { causes?: { message?: string }[] } } | undefined {
  const body = error instanceof ApiException ? (error.body as unknown) : undefined;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return body ? { message: body } : undefined;
    }
  }
  return typeof body === 'object' && body !== null ? body : undefined;
}

export function serverMessageOf(error: unknown): string | undefined {
  return statusBodyOf(error)?.message || undefined;
}

// A 429 says "Cannot evict pod as it would violate the pod's disruption budget." and names the
// budget in a cause: "The disruption budget checkout needs 3 healthy pods and has 3 currently".
export function blockingBudgetOf(error: unknown): { name: string; message: string } | undefined {
  const body = statusBodyOf(error);
  const texts = [...(body?.details?.causes ?? []).map((c) => c.message ?? ''), body?.message ?? ''];
  for (const text of texts) {
    const name = /disruption budget ([a-z0-9][-a-z0-9.]*)/i.exec(text)?.[1];
    if (name) return { name, message: text };
  }
  return undefined;
}
