import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';

type DispatcherFactory = { createDispatcher(cluster: unknown, options: Record<string, unknown>): unknown };

// client-node 2.0 builds a new undici Agent, a connection pool of its own, for every request: each
// request pays a TLS handshake (a sixth of the client's CPU time in a loop of deletions) and the old
// pools linger until collected. One Agent is kept per distinct cluster and TLS material instead
// (credentials that rotate get a new one). Relies on the client's (private) createDispatcher.
export function reuseConnections(config: KubeConfig): KubeConfig {
  const factory = config as unknown as DispatcherFactory;
  if (typeof factory.createDispatcher !== 'function') return config;
  const create = factory.createDispatcher.bind(config);
  const agents = new Map<string, unknown>();
  factory.createDispatcher = (cluster, tls) => {
    const hash = createHash('sha256');
    for (const value of [
      (cluster as { name?: string } | null)?.name,
      tls.ca,
      tls.cert,
      tls.key,
      tls.pfx,
      tls.passphrase,
      tls.rejectUnauthorized,
      tls.servername,
    ])
      hash.update(`${Buffer.isBuffer(value) ? value.toString('base64') : JSON.stringify(value ?? null)}\0`);
    const key = hash.digest('hex');
    let agent = agents.get(key);
    if (agent === undefined) {
      if (agents.size >= 4) agents.clear();
      agent = create(cluster, tls);
      agents.set(key, agent);
    }
    return agent;
  };
  return config;
}
