import test from 'ava';
import { AdapterError } from '../../../src/adapters/adapter-error.ts';
import { createOwnerResolver } from '../../../src/adapters/kubernetes-owners.ts';
import type { OwnerRef, PodMetadata } from '../../../src/adapters/kubernetes-types.ts';

const pod = (namespace: string, replicaSet: string, name = `${replicaSet}-pod`): PodMetadata => ({
  namespace,
  name,
  uid: `uid-${name}`,
  labels: {},
  isTerminating: false,
  controller: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet },
});
const deployment = (name: string): OwnerRef => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });

// ReplicaSets named `<deployment>-rs`; `orphan-rs` has no owner; any other name does not exist.
function cluster(options: { listFails?: boolean } = {}) {
  const requests: string[] = [];
  const ownerOf = (name: string) =>
    name === 'orphan-rs' ? undefined : name.endsWith('-rs') ? deployment(name.slice(0, -3)) : undefined;
  const resolve = createOwnerResolver({
    async readReplicaSetOwner(namespace, name) {
      requests.push(`read ${namespace}/${name}`);
      if (!name.endsWith('-rs'))
        throw new AdapterError('kubernetes', 'not-found', `replicasets "${name}" not found`, { status: 404 });
      return ownerOf(name);
    },
    async listReplicaSetOwners(namespace) {
      requests.push(`list ${namespace}`);
      if (options.listFails)
        throw new AdapterError('kubernetes', 'forbidden', 'cannot list', { status: 403 });
      const names = Array.from({ length: 20 }, (_, index) => `d${index}-rs`);
      return new Map(names.map((name) => [name, ownerOf(name)]));
    },
  });
  return { resolve, requests };
}

test('a few ReplicaSets are read, each once however many pods ask', async (t) => {
  const { resolve, requests } = cluster();
  const owners = await Promise.all([
    resolve(pod('shop', 'checkout-rs', 'a')),
    resolve(pod('shop', 'checkout-rs', 'b')),
    resolve(pod('shop', 'cart-rs')),
  ]);
  t.deepEqual(owners, [deployment('checkout'), deployment('checkout'), deployment('cart')]);
  t.deepEqual(requests.sort(), ['read shop/cart-rs', 'read shop/checkout-rs']);
  await resolve(pod('shop', 'checkout-rs', 'c'));
  t.is(requests.length, 2, 'a ReplicaSet already looked up is not asked again');
});

test('many ReplicaSets of one namespace asked together: one list, and reads only for what it lacks', async (t) => {
  const { resolve, requests } = cluster();
  const names = Array.from({ length: 10 }, (_, index) => `d${index}-rs`);
  const owners = await Promise.all([
    ...names.map((name) => resolve(pod('bench', name))),
    resolve(pod('bench', 'late-rs')),
    resolve(pod('shop', 'checkout-rs')),
  ]);
  t.deepEqual(
    owners.slice(0, 10),
    names.map((_, index) => deployment(`d${index}`)),
  );
  t.deepEqual(owners.slice(10), [deployment('late'), deployment('checkout')]);
  t.deepEqual(requests.sort(), ['list bench', 'read bench/late-rs', 'read shop/checkout-rs']);
});

test('a list the server refuses falls back to reading each ReplicaSet', async (t) => {
  const { resolve, requests } = cluster({ listFails: true });
  const names = Array.from({ length: 8 }, (_, index) => `d${index}-rs`);
  const owners = await Promise.all(names.map((name) => resolve(pod('bench', name))));
  t.deepEqual(
    owners,
    names.map((_, index) => deployment(`d${index}`)),
  );
  t.is(requests.filter((request) => request.startsWith('read ')).length, 8);
});

test('a ReplicaSet gone or without an owner: the pod is owned by the ReplicaSet; other kinds as they are', async (t) => {
  const { resolve, requests } = cluster();
  t.deepEqual(await resolve(pod('shop', 'gone')), {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: 'gone',
  });
  t.deepEqual(await resolve(pod('shop', 'orphan-rs')), {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: 'orphan-rs',
  });
  const statefulSet = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' };
  t.deepEqual(await resolve({ ...pod('shop', 'x'), controller: statefulSet }), statefulSet);
  t.is(await resolve({ ...pod('shop', 'x'), controller: undefined }), undefined);
  t.deepEqual(requests, ['read shop/gone', 'read shop/orphan-rs']);
});

test('a read that fails otherwise fails the lookup', async (t) => {
  const resolve = createOwnerResolver({
    readReplicaSetOwner: async () => {
      throw new AdapterError('kubernetes', 'unreachable', 'cannot reach the API server');
    },
    listReplicaSetOwners: async () => new Map(),
  });
  await t.throwsAsync(resolve(pod('shop', 'checkout-rs')), { message: /cannot reach/ });
});
