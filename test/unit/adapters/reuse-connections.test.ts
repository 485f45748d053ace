import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import test from 'ava';
import { reuseConnections } from '../../../src/adapters/reuse-connections.ts';

const kubeconfig = (token: string) => `
apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:6443", certificate-authority-data: ${Buffer.from('ca').toString('base64')} } }]
users: [{ name: u, user: { token: ${token} } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;

async function dispatcherOf(config: KubeConfig) {
  const context = new RequestContext('https://127.0.0.1:6443/api/v1/nodes', HttpMethod.GET);
  await config.applySecurityAuthentication(context);
  return context.getDispatcher();
}

// When this one fails, client-node keeps its pools itself and src/adapters/reuse-connections.ts can go.
test('client-node alone makes a new connection pool for every request', async (t) => {
  const config = new KubeConfig();
  config.loadFromString(kubeconfig('a'));
  t.not(await dispatcherOf(config), await dispatcherOf(config));
});

test('reuseConnections: one pool for every request with the same cluster and TLS material', async (t) => {
  const config = new KubeConfig();
  config.loadFromString(kubeconfig('a'));
  reuseConnections(config);
  const first = await dispatcherOf(config);
  t.truthy(first);
  t.is(await dispatcherOf(config), first);
  config.loadFromString(
    kubeconfig('b').replace(Buffer.from('ca').toString('base64'), Buffer.from('other-ca').toString('base64')),
  );
  t.not(await dispatcherOf(config), first, 'other TLS material, another pool');
});
