import { Toxiproxy, ToxiproxyError } from 'toxiproxy-node-client';
import { AdapterError, isNetworkFailure, withTimeout } from './adapter-error.ts';

// The only file that talks to Toxiproxy (through toxiproxy-node-client).
export type ToxicState = {
  name: string;
  type: string;
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
};
export type ProxyState = {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicState[];
};
export type NewToxic = Omit<ToxicState, 'toxicity'> & { toxicity?: number };

export type ToxiproxyAdapter = {
  readonly url: string;
  version(): Promise<string>;
  listProxies(): Promise<ProxyState[]>;
  getProxy(name: string): Promise<ProxyState | undefined>;
  createProxy(proxy: { name: string; listen: string; upstream: string }): Promise<void>;
  /** Returns false when the proxy was already gone. */
  deleteProxy(name: string): Promise<boolean>;
  setEnabled(name: string, enabled: boolean): Promise<void>;
  addToxic(proxy: string, toxic: NewToxic): Promise<void>;
  /** Returns false when the toxic (or its proxy) was already gone. */
  removeToxic(proxy: string, toxic: string): Promise<boolean>;
};

const requestTimeoutMs = 5_000;

export function createToxiproxyAdapter(url: string): ToxiproxyAdapter {
  const base = url.replace(/\/+$/, '');
  const client = new Toxiproxy(base);
  const service = `toxiproxy ${base}`;
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(service, requestTimeoutMs, work());
    } catch (error) {
      throw toAdapterError(service, what, error);
    }
  };
  const getProxy = async (name: string): Promise<ProxyState | undefined> => {
    try {
      const proxy = await call(`get proxy ${name}`, () =>
        client.api.get<RawProxy>(`${base}/proxies/${encodeURIComponent(name)}`),
      );
      return toProxyState(proxy.data);
    } catch (error) {
      if (error instanceof AdapterError && error.failure === 'not-found') return undefined;
      throw error;
    }
  };
  return {
    url: base,
    version: () => call('version', () => client.getVersion()),
    async listProxies() {
      // The client's Proxy objects drop the toxics, so the proxies are read as the API returns them.
      const all = await call('list proxies', () =>
        client.api.get<Record<string, RawProxy>>(`${base}/proxies`),
      );
      return Object.values(all.data).map(toProxyState);
    },
    getProxy,
    async createProxy(proxy) {
      await call(`create proxy ${proxy.name}`, () => client.createProxy({ ...proxy, enabled: true }));
    },
    async deleteProxy(name) {
      try {
        await call(`delete proxy ${name}`, () =>
          client.api.delete(`${base}/proxies/${encodeURIComponent(name)}`),
        );
        return true;
      } catch (error) {
        if (error instanceof AdapterError && error.failure === 'not-found') return false;
        throw error;
      }
    },
    async setEnabled(name, enabled) {
      await call(`${enabled ? 'enable' : 'disable'} proxy ${name}`, () =>
        client.api.post(`${base}/proxies/${encodeURIComponent(name)}`, { enabled }),
      );
    },
    async addToxic(proxy, toxic) {
      await call(`add toxic ${toxic.name} to ${proxy}`, () =>
        client.api.post(`${base}/proxies/${encodeURIComponent(proxy)}/toxics`, { toxicity: 1, ...toxic }),
      );
    },
    async removeToxic(proxy, toxic) {
      try {
        await call(`remove toxic ${toxic} from ${proxy}`, () =>
          client.api.delete(
            `${base}/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`,
          ),
        );
        return true;
      } catch (error) {
        if (error instanceof AdapterError && error.failure === 'not-found') return false;
        throw error;
      }
    },
  };
}

type RawProxy = { name: string; listen: string; upstream: string; enabled: boolean; toxics?: ToxicState[] };

function toProxyState(raw: RawProxy): ProxyState {
  return {
    name: raw.name,
    listen: raw.listen,
    upstream: raw.upstream,
    enabled: raw.enabled,
    toxics: (raw.toxics ?? []).map((t) => ({
      name: t.name,
      type: t.type,
      stream: t.stream,
      toxicity: t.toxicity,
      attributes: t.attributes,
    })),
  };
}

function toAdapterError(service: string, what: string, error: unknown): AdapterError {
  if (error instanceof AdapterError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const status = /status code (\d{3})/.exec(message)?.[1];
  if (status === '404')
    return new AdapterError(service, 'not-found', `${what}: not found`, { status: 404, cause: error });
  if (status === '409')
    return new AdapterError(service, 'conflict', `${what}: already exists`, { status: 409, cause: error });
  if (status === '400')
    return new AdapterError(service, 'invalid', `${what}: rejected as invalid`, {
      status: 400,
      cause: error,
    });
  if (status)
    return new AdapterError(service, 'other', `${what}: HTTP ${status}`, {
      status: Number(status),
      cause: error,
    });
  if (
    isNetworkFailure(error) ||
    (error instanceof ToxiproxyError && /fetch failed|TypeError/i.test(message + error.name))
  ) {
    return new AdapterError(service, 'unreachable', `${what}: cannot reach the server (${message})`, {
      cause: error,
    });
  }
  return new AdapterError(service, 'other', `${what}: ${message}`, { cause: error });
}
