// Which workload owns a pod: its controller, or, for a ReplicaSet, the ReplicaSet's own controller
// (its Deployment). Each ReplicaSet is looked up once per adapter. The ReplicaSets asked for in one
// go (a pick resolves all its pods' owners at once) are looked up together: from a few, each is
// read; from many in one namespace, the namespace's ReplicaSets are listed once, metadata only —
// a pick of 1 000 pods of 100 Deployments makes one request instead of 100.
import { AdapterError } from './adapter-error.ts';
import type { OwnerRef, PodMetadata } from './kubernetes-types.ts';

// From this many ReplicaSets of one namespace in one go, one list is cheaper than the reads.
const listFrom = 8;

export type OwnerLookups = {
  /** The ReplicaSet's controller; throws a not-found AdapterError when there is no such ReplicaSet. */
  readReplicaSetOwner(namespace: string, name: string): Promise<OwnerRef | undefined>;
  /** Every ReplicaSet of the namespace: name to its controller. */
  listReplicaSetOwners(namespace: string): Promise<Map<string, OwnerRef | undefined>>;
};

/** A pod's or ReplicaSet's controller: the owner reference marked so, else the first. */
export function controllerRefOf(
  references: readonly { apiVersion: string; kind: string; name: string; controller?: boolean }[] | undefined,
): OwnerRef | undefined {
  const owner = references?.find((reference) => reference.controller) ?? references?.[0];
  return owner && { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name };
}

type Waiting = { name: string; settle: (owner: Promise<OwnerRef | undefined>) => void };

export function createOwnerResolver(lookups: OwnerLookups) {
  const owners = new Map<string, Promise<OwnerRef | undefined>>();
  let waiting = new Map<string, Waiting[]>();

  const read = (namespace: string, name: string) =>
    lookups.readReplicaSetOwner(namespace, name).catch((error: unknown) => {
      if (error instanceof AdapterError && error.failure === 'not-found') return undefined;
      throw error;
    });

  // A list that fails (RBAC may allow get but not list) leaves each ReplicaSet to its own read.
  async function lookUp(namespace: string, batch: Waiting[]) {
    const listed =
      batch.length >= listFrom
        ? await lookups.listReplicaSetOwners(namespace).catch(() => undefined)
        : undefined;
    for (const { name, settle } of batch)
      settle(listed?.has(name) ? Promise.resolve(listed.get(name)) : read(namespace, name));
  }

  function flush() {
    const batches = waiting;
    waiting = new Map();
    for (const [namespace, batch] of batches) void lookUp(namespace, batch);
  }

  function ownerOfReplicaSet(namespace: string, name: string): Promise<OwnerRef | undefined> {
    const key = `${namespace}/${name}`;
    const known = owners.get(key);
    if (known) return known;
    const owner = new Promise<OwnerRef | undefined>((resolve, reject) => {
      if (waiting.size === 0) queueMicrotask(flush);
      const batch = waiting.get(namespace) ?? [];
      batch.push({ name, settle: (found) => found.then(resolve, reject) });
      waiting.set(namespace, batch);
    });
    owners.set(key, owner);
    return owner;
  }

  return async function resolveOwner(pod: PodMetadata): Promise<OwnerRef | undefined> {
    const owner = pod.controller;
    if (owner?.kind !== 'ReplicaSet') return owner;
    return (await ownerOfReplicaSet(pod.namespace, owner.name)) ?? owner;
  };
}
