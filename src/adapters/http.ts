import { AdapterError, isNetworkFailure } from './adapter-error.ts';

export type HttpAnswer = { status: number; latencyMs: number; body: string };

// One HTTP request with a deadline. Throws AdapterError 'timeout' or 'unreachable'; any status is an answer.
export async function sendHttpRequest(request: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<HttpAnswer> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
  const service = `http ${request.url}`;
  try {
    const response = await fetch(request.url, {
      method: request.method ?? 'GET',
      headers: request.headers,
      signal,
      redirect: 'manual',
    });
    const body = await response.text();
    return { status: response.status, latencyMs: performance.now() - started, body };
  } catch (error) {
    if (deadline.aborted) {
      throw new AdapterError(service, 'timeout', `no answer within ${request.timeoutMs} ms`, {
        cause: error,
      });
    }
    if (isNetworkFailure(error)) {
      const code = (error as { cause?: { code?: string } }).cause?.code ?? 'connection failed';
      throw new AdapterError(service, 'unreachable', `cannot connect (${code})`, { cause: error });
    }
    throw new AdapterError(service, 'other', (error as Error).message, { cause: error });
  }
}
