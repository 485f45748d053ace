// The emergency stop: `faultline halt` writes it where every runner already looks — the cluster (a
// Lease named faultline-halt in the runners' namespace) and each Toxiproxy server (a disabled proxy
// named faultline-halt, its reason in the name of a harmless toxic). Every live run reads it once per
// sampling interval and aborts; the daemon fires nothing while it stands. `resume` removes it.
import { AdapterError } from '../adapters/adapter-error.ts';
import type { LeaseStore } from '../adapters/kubernetes-leases.ts';
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import { harmless } from '../faults/partition-fault.ts';

export const haltName = 'faultline-halt';
const reasonPrefix = `${haltName}.`;

export type Halt = { reason: string; by: string; at: string };
export type HaltState = { halt?: Halt; where: string[]; errors: string[] };

export type HaltPlaces = { leases?: LeaseStore; toxiproxies: ToxiproxyAdapter[] };

const encode = (halt: Halt) => `${reasonPrefix}${Buffer.from(JSON.stringify(halt)).toString('base64url')}`;

function decode(name: string): Halt | undefined {
  if (!name.startsWith(reasonPrefix)) return undefined;
  try {
    return JSON.parse(Buffer.from(name.slice(reasonPrefix.length), 'base64url').toString('utf8')) as Halt;
  } catch {
    return undefined;
  }
}

export async function writeHalt(places: HaltPlaces, halt: Halt): Promise<string[]> {
  const written: string[] = [];
  if (places.leases) {
    const annotations = {
      'faultline.dev/reason': halt.reason,
      'faultline.dev/by': halt.by,
      'faultline.dev/at': halt.at,
    };
    const existing = await places.leases.get(haltName);
    if (existing) await places.leases.patch(haltName, { annotations });
    else
      await places.leases.create(haltName, {
        holderIdentity: halt.by,
        leaseDurationSeconds: undefined,
        acquireTime: Date.parse(halt.at),
        renewTime: undefined,
        leaseTransitions: 0,
        labels: { 'app.kubernetes.io/managed-by': 'faultline' },
        annotations,
      });
    written.push(`Lease ${places.leases.namespace}/${haltName} at ${places.leases.server}`);
  }
  for (const toxiproxy of places.toxiproxies) {
    const proxy = await toxiproxy.getProxy(haltName);
    if (!proxy)
      await toxiproxy.createProxy({ name: haltName, listen: '127.0.0.1:0', upstream: '127.0.0.1:9' });
    await toxiproxy.setEnabled(haltName, false);
    for (const toxic of proxy?.toxics ?? []) await toxiproxy.removeToxic(haltName, toxic.name);
    await toxiproxy.addToxic(haltName, { ...harmless, name: encode(halt) });
    written.push(`proxy ${haltName} at ${toxiproxy.url}`);
  }
  return written;
}

export async function clearHalt(places: HaltPlaces): Promise<string[]> {
  const cleared: string[] = [];
  if (places.leases && (await places.leases.delete(haltName)))
    cleared.push(`Lease ${places.leases.namespace}/${haltName} at ${places.leases.server}`);
  for (const toxiproxy of places.toxiproxies)
    if (await toxiproxy.deleteProxy(haltName)) cleared.push(`proxy ${haltName} at ${toxiproxy.url}`);
  return cleared;
}

// A halt anywhere counts. A place that cannot be read is an error, not a halt: the caller decides.
export async function readHalt(places: HaltPlaces): Promise<HaltState> {
  const state: HaltState = { where: [], errors: [] };
  if (places.leases) {
    try {
      const lease = await places.leases.get(haltName);
      if (lease) {
        const a = lease.annotations;
        state.halt = {
          reason: a['faultline.dev/reason'] ?? '',
          by: a['faultline.dev/by'] ?? '',
          at: a['faultline.dev/at'] ?? '',
        };
        state.where.push(`Lease ${places.leases.namespace}/${haltName}`);
      }
    } catch (error) {
      state.errors.push((error as Error).message);
    }
  }
  for (const toxiproxy of places.toxiproxies) {
    try {
      const proxy = await toxiproxy.getProxy(haltName);
      if (!proxy) continue;
      state.halt ??= proxy.toxics.map((toxic) => decode(toxic.name)).find((halt) => halt !== undefined) ?? {
        reason: '(no reason recorded)',
        by: '?',
        at: '?',
      };
      state.where.push(`proxy ${haltName} at ${toxiproxy.url}`);
    } catch (error) {
      if (!(error instanceof AdapterError && error.failure === 'not-found'))
        state.errors.push((error as Error).message);
    }
  }
  return state;
}
