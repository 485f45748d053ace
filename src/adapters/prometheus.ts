import { AdapterError } from './adapter-error.ts';
import { defaultMaxBodyBytes, sendHttpRequest } from './http.ts';

export type PromSeries = { labels: Record<string, string>; value: number };
export type PromResult = { resultType: 'scalar' | 'vector' | 'string' | 'matrix'; series: PromSeries[] };

// An instant PromQL query against the HTTP API (/api/v1/query).
export async function queryPrometheus(
  baseUrl: string,
  query: string,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<PromResult> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
  const answer = await sendHttpRequest({ url, timeoutMs: options.timeoutMs, signal: options.signal });
  const service = `prometheus ${baseUrl}`;
  let body: {
    status?: string;
    error?: string;
    errorType?: string;
    data?: { resultType: string; result: unknown };
  };
  if (answer.truncated) {
    throw new AdapterError(
      service,
      'other',
      `HTTP ${answer.status} with an answer larger than ${defaultMaxBodyBytes / (1024 * 1024)} MiB: a probe reads one instant value, narrow the query`,
      {
        status: answer.status,
      },
    );
  }
  try {
    body = JSON.parse(answer.body);
  } catch {
    throw new AdapterError(service, 'other', `HTTP ${answer.status} with a body that is not JSON`, {
      status: answer.status,
    });
  }
  if (body.status !== 'success' || !body.data) {
    const failure = answer.status === 400 || body.errorType === 'bad_data' ? 'invalid' : 'other';
    throw new AdapterError(service, failure, `query failed: ${body.error ?? `HTTP ${answer.status}`}`, {
      status: answer.status,
    });
  }
  const { resultType, result } = body.data;
  if (resultType === 'scalar' || resultType === 'string') {
    const [, value] = result as [number, string];
    return { resultType, series: [{ labels: {}, value: Number(value) }] };
  }
  if (resultType === 'vector') {
    const items = result as { metric: Record<string, string>; value: [number, string] }[];
    return { resultType, series: items.map((i) => ({ labels: i.metric, value: Number(i.value[1]) })) };
  }
  throw new AdapterError(
    service,
    'invalid',
    'a range vector is not an instant value; use an instant query',
    {},
  );
}
