// What the Toxiproxy faults (a toxic, a partition) share: the proxy they act on, read at plan time,
// and created on demand when the experiment declares `listen` and `upstream` (removed on revert).
import { AdapterError } from '../adapters/adapter-error.ts';
import type { ToxicState } from '../adapters/toxiproxy.ts';
import type { BlastRadius } from '../selection/safety.ts';
import type { FaultAction, FaultContext, PlanBase, PlanRow, SelectContext } from './fault-driver.ts';
import type { UndoHandler } from './undo-record.ts';

export type ProxySpec = { url: string; proxy: string; listen?: string; upstream?: string };

export type ProxyTarget = {
  url: string;
  proxy: string;
  exists: boolean;
  listen: string | undefined;
  upstream: string | undefined;
  enabled: boolean | undefined;
  /** The toxics on it now (another run's included). */
  toxics: ToxicState[];
};

export type ProxyPlan = PlanBase<'toxiproxy' | 'partition'> & {
  proxy: ProxyTarget;
  toxic: { type: string; stream: string; toxicity: number; attributes: Record<string, number> } | undefined;
};

export async function selectProxy(
  name: string,
  spec: ProxySpec,
  context: SelectContext,
): Promise<Omit<ProxyPlan, 'kind' | 'toxic'>> {
  const toxiproxy = context.toxiproxy(spec.url);
  const existing = await toxiproxy.getProxy(spec.proxy);
  if (!existing && !(spec.listen && spec.upstream)) {
    throw new AdapterError(
      `toxiproxy ${toxiproxy.url}`,
      'not-found',
      `fault "${name}": proxy ${spec.proxy} does not exist (declare listen and upstream to have it created)`,
    );
  }
  return {
    fault: name,
    proxy: {
      url: toxiproxy.url,
      proxy: spec.proxy,
      exists: existing !== undefined,
      listen: existing?.listen ?? spec.listen,
      upstream: existing?.upstream ?? spec.upstream,
      enabled: existing?.enabled,
      toxics: existing?.toxics ?? [],
    },
    excluded: [],
    notes: existing
      ? []
      : [`proxy ${spec.proxy} does not exist yet: the run creates it (${spec.listen} -> ${spec.upstream})`],
  };
}

export function proxyBlastRadius(plan: ProxyPlan): BlastRadius {
  return {
    fault: plan.fault,
    pods: [],
    namespaces: [],
    nodes: [],
    workloads: [],
    proxies: [{ url: plan.proxy.url, proxy: plan.proxy.proxy }],
  };
}

export function proxyPlanRow(plan: ProxyPlan, effect: string): PlanRow {
  return {
    target: `proxy/${plan.proxy.proxy}`,
    effect: `${plan.proxy.proxy}: ${effect}`,
    status: plan.proxy.exists ? 'proxy exists' : 'proxy created by the run',
  };
}

// The proxy, when the plan found it missing: created first, removed on revert.
export function prepareProxy(plan: ProxyPlan, context: FaultContext): FaultAction[] {
  const { proxy } = plan;
  if (proxy.exists || !proxy.listen || !proxy.upstream) return [];
  const toxiproxy = context.toxiproxy(proxy.url);
  const { listen, upstream } = proxy;
  return [
    {
      fault: plan.fault,
      target: `proxy ${proxy.proxy} ${listen} -> ${upstream}`,
      undo: { kind: 'proxy-created', url: toxiproxy.url, proxy: proxy.proxy },
      inject: () => toxiproxy.createProxy({ name: proxy.proxy, listen, upstream }),
    },
  ];
}

export const proxyCreatedUndo: UndoHandler<'proxy-created'> = {
  describe: (undo) => `proxy ${undo.proxy} created at ${undo.url}`,
  async revert(undo, context) {
    return (await context.toxiproxy(undo.url).deleteProxy(undo.proxy)) ? 'reverted' : 'already-gone';
  },
  async isReverted(undo, context) {
    return (await context.toxiproxy(undo.url).getProxy(undo.proxy)) === undefined;
  },
  outOfReach: () => undefined,
};
