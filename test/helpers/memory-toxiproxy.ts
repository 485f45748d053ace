import { AdapterError } from '../../src/adapters/adapter-error.ts';
import type { ProxyState, ToxiproxyAdapter } from '../../src/adapters/toxiproxy.ts';

// An in-memory Toxiproxy for unit tests of pure engine logic; `down` makes every call fail as unreachable.
// `enabled` names proxies that exist from the start, enabled and without toxics.
export function createMemoryToxiproxy(
  url = 'http://toxiproxy.test',
  enabled: readonly string[] = [],
): ToxiproxyAdapter & {
  proxies: Map<string, ProxyState>;
  down: boolean;
  /** When set, the server is unreachable whenever it returns true (e.g. a window of virtual time). */
  outage?: () => boolean;
  calls: string[];
} {
  const proxies = new Map<string, ProxyState>(
    enabled.map((name) => [name, { name, listen: 'l', upstream: 'u', enabled: true, toxics: [] }]),
  );
  const state = { down: false };
  const calls: string[] = [];
  const guard = (what: string) => {
    calls.push(what);
    if (state.down || adapter.outage?.())
      throw new AdapterError(`toxiproxy ${url}`, 'unreachable', `${what}: cannot reach the server`);
  };
  const need = (name: string) => {
    const proxy = proxies.get(name);
    if (!proxy) throw new AdapterError(`toxiproxy ${url}`, 'not-found', `proxy ${name}: not found`);
    return proxy;
  };
  const adapter: ToxiproxyAdapter & {
    proxies: typeof proxies;
    down: boolean;
    outage?: () => boolean;
    calls: string[];
  } = {
    url,
    proxies,
    calls,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    async version() {
      guard('version');
      return 'memory';
    },
    async listProxies() {
      guard('list');
      return structuredClone([...proxies.values()]);
    },
    async getProxy(name: string) {
      guard(`get ${name}`);
      const proxy = proxies.get(name);
      return proxy && structuredClone(proxy);
    },
    async createProxy(p: { name: string; listen: string; upstream: string }) {
      guard(`create ${p.name}`);
      proxies.set(p.name, { ...p, enabled: true, toxics: [] });
    },
    async deleteProxy(name: string) {
      guard(`delete ${name}`);
      return proxies.delete(name);
    },
    async setEnabled(name: string, enabled: boolean) {
      guard(`${enabled ? 'enable' : 'disable'} ${name}`);
      need(name).enabled = enabled;
    },
    async addToxic(proxy: string, toxic: Parameters<ToxiproxyAdapter['addToxic']>[1]) {
      guard(`add ${toxic.name}`);
      need(proxy).toxics.push({ toxicity: 1, ...toxic });
    },
    async removeToxic(proxy: string, toxic: string) {
      guard(`remove ${toxic}`);
      const p = proxies.get(proxy);
      if (!p) return false;
      const before = p.toxics.length;
      p.toxics = p.toxics.filter((t) => t.name !== toxic);
      return p.toxics.length < before;
    },
  };
  return adapter;
}
