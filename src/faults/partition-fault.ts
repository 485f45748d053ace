// partition: the proxy disabled, so every connection through it is refused. A proxy that was
// already disabled is left alone (and not enabled on revert).

import type { ProxyState } from '../adapters/toxiproxy.ts';
import type { FaultDriver } from './fault-driver.ts';
import { markName, parseMark } from './fault-marks.ts';
import { type ProxyPlan, prepareProxy, proxyBlastRadius, proxyPlanRow, selectProxy } from './proxy-target.ts';
import type { UndoHandler } from './undo-record.ts';

export const partitionDriver: FaultDriver<'partition', ProxyPlan> = {
  async select(fault, context) {
    const proxy = await selectProxy(fault.name, fault.spec, context);
    const notes =
      proxy.proxy.enabled === false
        ? [...proxy.notes, `proxy ${fault.spec.proxy} is already disabled`]
        : proxy.notes;
    return { ...proxy, notes, kind: 'partition', toxic: undefined };
  },
  blastRadius: proxyBlastRadius,
  async prepare(fault, plan, context) {
    const proxyActions = prepareProxy(plan, context);
    if (plan.proxy.exists && plan.proxy.enabled === false) return proxyActions;
    const toxiproxy = context.toxiproxy(fault.spec.url);
    const { proxy } = fault.spec;
    const marker = markName({
      runId: context.runId,
      deadline: context.deadline,
      name: fault.name,
      role: 'partition',
    });
    return [
      ...proxyActions,
      {
        fault: fault.name,
        target: `${proxy} (disabled)`,
        undo: { kind: 'proxy-disabled', url: toxiproxy.url, proxy, marker },
        // The mark first, so a runner that finds the proxy disabled also finds whose partition it is.
        async inject() {
          await toxiproxy.addToxic(proxy, { ...harmless, name: marker });
          await toxiproxy.setEnabled(proxy, false);
        },
      },
    ];
  },
  recoveryScope: (fault) => ({ toxiproxyUrls: [fault.spec.url], nodeCordons: false, cluster: false }),
  describe: ({ spec }) => `partition of proxy ${spec.proxy} (all its connections cut)`,
  planRows: (plan) => [proxyPlanRow(plan, 'disabled')],
  dryRun: () => [],
  repeatEveryMs: () => undefined,
};

/** A toxic that never acts (toxicity 0): a name on a proxy, nothing more. */
export const harmless = {
  type: 'latency',
  stream: 'downstream' as const,
  toxicity: 0,
  attributes: { latency: 0 },
};

// Another run's partition mark still on the proxy: it stays disabled for that run.
const othersPartition = (proxy: ProxyState, marker: string | undefined) =>
  proxy.toxics.some((t) => t.name !== marker && parseMark(t.name)?.role === 'partition');

export const proxyDisabledUndo: UndoHandler<'proxy-disabled'> = {
  describe: (undo) => `proxy ${undo.proxy} disabled at ${undo.url}`,
  async revert(undo, context) {
    const toxiproxy = context.toxiproxy(undo.url);
    const proxy = await toxiproxy.getProxy(undo.proxy);
    if (!proxy) return 'already-gone';
    const marked = undo.marker !== undefined && proxy.toxics.some((t) => t.name === undo.marker);
    const enable = !proxy.enabled && !othersPartition(proxy, undo.marker);
    if (enable) await toxiproxy.setEnabled(undo.proxy, true);
    if (marked && undo.marker) await toxiproxy.removeToxic(undo.proxy, undo.marker);
    return enable || marked ? 'reverted' : 'already-gone';
  },
  async isReverted(undo, context) {
    const proxy = await context.toxiproxy(undo.url).getProxy(undo.proxy);
    if (!proxy) return true;
    const marked = undo.marker !== undefined && proxy.toxics.some((t) => t.name === undo.marker);
    return !marked && (proxy.enabled || othersPartition(proxy, undo.marker));
  },
  outOfReach: () => undefined,
};
