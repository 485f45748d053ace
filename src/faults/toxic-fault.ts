// toxiproxy: one Toxiproxy toxic (latency, bandwidth, slow_close, timeout, reset_peer, slicer,
// limit_data) on a proxy, named with the run id so an orphan can be traced to its run.
import type { FaultDriver } from './fault-driver.ts';
import { markName } from './fault-marks.ts';
import { type ProxyPlan, prepareProxy, proxyBlastRadius, proxyPlanRow, selectProxy } from './proxy-target.ts';
import type { UndoHandler } from './undo-record.ts';

export const toxicDriver: FaultDriver<'toxiproxy', ProxyPlan> = {
  async select(fault, context) {
    const { spec } = fault;
    const proxy = await selectProxy(fault.name, spec, context);
    const toxic = {
      type: spec.toxic,
      stream: spec.stream ?? 'downstream',
      toxicity: spec.toxicity ?? 1,
      attributes: spec.attributes ?? {},
    };
    return { ...proxy, kind: 'toxiproxy', toxic };
  },
  blastRadius: proxyBlastRadius,
  async prepare(fault, plan, context) {
    const { spec } = fault;
    const toxicName = markName({ runId: context.runId, deadline: context.deadline, name: fault.name });
    const toxiproxy = context.toxiproxy(spec.url);
    const stream = spec.stream ?? 'downstream';
    return [
      ...prepareProxy(plan, context),
      {
        fault: fault.name,
        target: `${spec.proxy} (${spec.toxic} ${stream})`,
        undo: { kind: 'toxic', url: toxiproxy.url, proxy: spec.proxy, toxic: toxicName },
        inject: () =>
          toxiproxy.addToxic(spec.proxy, {
            name: toxicName,
            type: spec.toxic,
            stream,
            toxicity: spec.toxicity ?? 1,
            attributes: spec.attributes ?? {},
          }),
      },
    ];
  },
  recoveryScope: (fault) => ({ toxiproxyUrls: [fault.spec.url], nodeCordons: false, cluster: false }),
  describe({ spec }) {
    const attributes = Object.entries(spec.attributes ?? {}).map(([k, v]) => `${k} ${v}`);
    if (spec.stream) attributes.push(spec.stream);
    if (spec.toxicity !== undefined && spec.toxicity < 1) attributes.push(`toxicity ${spec.toxicity}`);
    return `${spec.toxic} toxic on proxy ${spec.proxy}${attributes.length ? ` (${attributes.join(', ')})` : ''}`;
  },
  planRows: (plan) => [proxyPlanRow(plan, `${plan.toxic?.type} ${plan.toxic?.stream}`)],
  dryRun: () => [],
  repeatEveryMs: () => undefined,
};

export const toxicUndo: UndoHandler<'toxic'> = {
  describe: (undo) => `toxic ${undo.toxic} on proxy ${undo.proxy} at ${undo.url}`,
  async revert(undo, context) {
    const removed = await context.toxiproxy(undo.url).removeToxic(undo.proxy, undo.toxic);
    return removed ? 'reverted' : 'already-gone';
  },
  async isReverted(undo, context) {
    const proxy = await context.toxiproxy(undo.url).getProxy(undo.proxy);
    return !proxy?.toxics.some((t) => t.name === undo.toxic);
  },
  outOfReach: () => undefined,
};
