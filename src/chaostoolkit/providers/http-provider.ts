// Chaos Toolkit's `http` provider (chaoslib.provider.http): one request; its value is {status,
// headers, body}; it fails only when the server cannot be reached or does not answer in time.
// Faultline's http probe sends GET, HEAD or POST without a body.
import type { PathSegment } from '../../experiment/diagnostic.ts';
import type { Json } from '../chaostoolkit-shape.ts';
import { resolveValue } from '../chaostoolkit-template.ts';
import { type MappedProbe, type Unmapped, unmapped } from '../mapped-activity.ts';
import { type ConvertContext, readFields } from '../provider-fields.ts';

const methods = ['GET', 'HEAD', 'POST'];

function checkUrl(url: string, path: PathSegment[], context: ConvertContext): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the URL ${JSON.stringify(url)} is not an address`;
  }
  if (!/^https?:$/.test(parsed.protocol)) return `the URL ${JSON.stringify(url)} is not http or https`;
  if (/^[a-z]+:\/\/[a-z]+:\/\//i.test(url)) {
    context.reporter.warn(
      path,
      `the URL ${JSON.stringify(url)} names its scheme twice: its host is ${JSON.stringify(parsed.hostname)}, which Chaos Toolkit cannot reach either`,
    );
  }
  return undefined;
}

// GET arguments are the query string (requests' `params`).
function queryString(arguments_: unknown): string | undefined {
  if (typeof arguments_ !== 'object' || arguments_ === null || Array.isArray(arguments_)) return undefined;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(arguments_)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && item !== undefined) search.append(key, String(item));
    }
  }
  return search.toString();
}

export function mapHttpProvider(
  provider: Json,
  path: PathSegment[],
  context: ConvertContext,
): MappedProbe | Unmapped {
  const fields = readFields(provider, path, context);
  const comments: string[] = [];
  const method = String(provider.method ?? 'GET').toUpperCase();
  if (!methods.includes(method))
    return unmapped(`Faultline's http probe sends GET, HEAD or POST, not ${method}`, fields.at('method'));
  let url = fields.text('url');
  if (url === undefined) return unmapped('an http provider needs a url', path);
  const resolvedUrl = resolveValue(provider.url, context.variables);
  if (resolvedUrl.unknown.length === 0 && typeof resolvedUrl.value === 'string') {
    const problem = checkUrl(resolvedUrl.value, fields.at('url'), context);
    if (problem) return unmapped(problem, fields.at('url'));
  }
  if (fields.has('arguments')) {
    const query = method === 'GET' ? queryString(fields.value('arguments')) : undefined;
    if (query === undefined) {
      return unmapped(
        `Faultline's http probe sends no request body (the ${method} arguments)`,
        fields.at('arguments'),
      );
    }
    if (query) url += `${url.includes('?') ? '&' : '?'}${query}`;
  }
  const http: Record<string, unknown> = { url };
  if (method !== 'GET') http.method = method;
  const headers = fields.value('headers');
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
      return unmapped('headers must be a mapping', fields.at('headers'));
    }
    http.headers = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, String(value)]));
  }
  const timeout = Array.isArray(provider.timeout)
    ? readFields(
        { timeout: provider.timeout.reduce((sum: number, part) => sum + Number(part), 0) },
        path,
        context,
      ).seconds('timeout')
    : fields.seconds('timeout');
  if (timeout !== undefined) http.timeout = timeout;
  if (provider.verify_tls === false) {
    comments.push('Chaos Toolkit skips TLS verification here (verify_tls: false); Faultline always verifies');
    if (/^https:/i.test(url)) {
      context.reporter.warn(
        fields.at('verify_tls'),
        'verify_tls: false is ignored: Faultline verifies TLS certificates',
      );
    }
  }
  const body: Record<string, unknown> = { http };
  if (typeof provider.max_retries === 'number' && provider.max_retries > 0) {
    body.retries = Math.min(10, provider.max_retries);
    comments.push(
      'Chaos Toolkit retries only failed connections (max_retries); Faultline retries any failed sample',
    );
  }
  return { as: 'probe', body, value: { kind: 'http' }, comments };
}
