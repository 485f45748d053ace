import { AdapterError, isNetworkFailure } from './adapter-error.ts';

/** `truncated`: the body went on past the cap; `body` holds its first maxBodyBytes bytes. */
export type HttpAnswer = { status: number; latencyMs: number; body: string; truncated?: boolean };

/** What a probe reads of a body at most: enough for any status page or JSON answer it judges. */
export const defaultMaxBodyBytes = 1024 * 1024;

// One HTTP request with a deadline. Throws AdapterError 'timeout' or 'unreachable'; any status is an
// answer. The body is read up to `maxBodyBytes`; past that the connection is closed, so a server
// streaming without end costs a mebibyte, not the memory of the process.
export async function sendHttpRequest(request: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  maxBodyBytes?: number;
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
    const { body, truncated } = await readCapped(response, request.maxBodyBytes ?? defaultMaxBodyBytes);
    const answer: HttpAnswer = { status: response.status, latencyMs: performance.now() - started, body };
    if (truncated) answer.truncated = true;
    return answer;
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

async function readCapped(
  response: Response,
  maxBytes: number,
): Promise<{ body: string; truncated: boolean }> {
  if (!response.body) return { body: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let body = '';
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: body + decoder.decode(), truncated: false };
    const room = maxBytes - length;
    if (value.byteLength > room) {
      body += decoder.decode(value.subarray(0, room));
      await reader.cancel();
      return { body, truncated: true };
    }
    body += decoder.decode(value, { stream: true });
    length += value.byteLength;
  }
}
