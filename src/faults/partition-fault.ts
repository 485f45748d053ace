// partition: the proxy disabled, so every connection through it is refused. A proxy that was
// already disabled is left alone (and not enabled on revert).
import type { FaultDriver } from './fault-driver.ts';
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
    return [
      ...proxyActions,
      {
        fault: fault.name,
        target: `${fault.spec.proxy} (disabled)`,
        undo: { kind: 'proxy-disabled', url: toxiproxy.url, proxy: fault.spec.proxy },
        inject: () => toxiproxy.setEnabled(fault.spec.proxy, false),
      },
    ];
  },
  recoveryScope: (fault) => ({ toxiproxyUrls: [fault.spec.url], nodeCordons: false }),
  describe: ({ spec }) => `partition of proxy ${spec.proxy} (all its connections cut)`,
  planRows: (plan) => [proxyPlanRow(plan, 'disabled')],
  dryRun: () => [],
  repeatEveryMs: () => undefined,
};

export const proxyDisabledUndo: UndoHandler<'proxy-disabled'> = {
  describe: (undo) => `proxy ${undo.proxy} disabled at ${undo.url}`,
  async revert(undo, context) {
    const toxiproxy = context.toxiproxy(undo.url);
    const proxy = await toxiproxy.getProxy(undo.proxy);
    if (!proxy || proxy.enabled) return 'already-gone';
    await toxiproxy.setEnabled(undo.proxy, true);
    return 'reverted';
  },
  async isReverted(undo, context) {
    const proxy = await context.toxiproxy(undo.url).getProxy(undo.proxy);
    return !proxy || proxy.enabled;
  },
  outOfReach: () => undefined,
};
