// Requests whose answers Faultline reads as bytes instead of the client's models: a metadata-only
// list in protobuf (kubernetes-metadata-list.ts), and a pod deletion, whose answer (the deleted pod)
// nobody reads. Each is prepared by the client (server, credentials, TLS, proxy, the shared
// connections, the call's deadline) and sent with undici's request() on the client's own
// dispatcher, not through the client's fetch: fetch's web streams and the models' deserializer
// were most of the client's CPU in `plan`'s 100 dry-run deletions (--cpu-prof). A refusal is the
// client's ApiException, mapped to an AdapterError like every other call's.
import { ApiException, type Configuration, HttpMethod } from '@kubernetes/client-node';
import { type Dispatcher, request as send } from 'undici';
import { abortWithCall } from './kubernetes-deadline.ts';
import { decodeStatusMessage } from './kubernetes-protobuf.ts';

export const protobuf = 'application/vnd.kubernetes.protobuf';

export type RawRequest = {
  method: 'GET' | 'DELETE';
  path: string;
  /** Parameters left undefined or empty are not sent. */
  query?: Record<string, string | undefined>;
  accept: string;
  /** Sent as JSON. */
  body?: unknown;
};

// A refusal's Status, in protobuf or (some refusals, e.g. a bad field selector) in JSON, or text:
// the exception's body is JSON or text, as the generated client's would be.
function refusal(status: number, body: Uint8Array, headers: Dispatcher.ResponseData['headers']) {
  const message = decodeStatusMessage(body);
  const text = message === undefined ? Buffer.from(body).toString('utf8').slice(0, 4096) : undefined;
  const plainHeaders = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : `${value}`,
    ]),
  );
  return new ApiException(status, `HTTP ${status}`, text ?? JSON.stringify({ message }), plainHeaders);
}

export function createRawRequester(configuration: Configuration, userAgent: string) {
  return async function raw(request: RawRequest): Promise<Uint8Array> {
    const method = request.method === 'GET' ? HttpMethod.GET : HttpMethod.DELETE;
    const context = configuration.baseServer.makeRequestContext(request.path, method);
    for (const [name, value] of Object.entries(request.query ?? {}))
      if (value) context.setQueryParam(name, value);
    context.setHeaderParam('Accept', request.accept);
    // On a loopback or in-cluster link, compressing 10 MB costs the server more than it saves.
    context.setHeaderParam('Accept-Encoding', 'identity');
    context.setHeaderParam('User-Agent', userAgent);
    if (request.body !== undefined) {
      context.setHeaderParam('Content-Type', 'application/json');
      context.setBody(JSON.stringify(request.body));
    }
    await configuration.authMethods.default?.applySecurityAuthentication(context);
    await abortWithCall.pre(context);
    const response = await send(context.getUrl(), {
      method: request.method,
      headers: context.getHeaders(),
      body: context.getBody() as string | undefined,
      signal: context.getSignal(),
      dispatcher: context.getDispatcher(),
    }).catch((error: unknown) => {
      // As the client's fetch reports it: the network's code (ECONNREFUSED, ...) in the cause.
      throw new Error(`request failed: ${(error as Error).message}`, { cause: error });
    });
    const body = new Uint8Array(await response.body.arrayBuffer());
    if (response.statusCode >= 400) throw refusal(response.statusCode, body, response.headers);
    return body;
  };
}

export type RawRequester = ReturnType<typeof createRawRequester>;
