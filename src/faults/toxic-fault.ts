import type { ToxiproxyFaultSpec } from '../experiment/schema.ts';
import { type FaultAction, type FaultContext, markedName } from './fault-context.ts';
import { prepareProxy } from './prepare-proxy.ts';

// A Toxiproxy toxic (latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data).
export async function prepareToxic(
  name: string,
  spec: ToxiproxyFaultSpec,
  context: FaultContext,
): Promise<FaultAction[]> {
  const proxyActions = await prepareProxy(name, spec, context);
  const toxicName = markedName(context.runId, name);
  const toxiproxy = context.toxiproxy(spec.url);
  return [
    ...proxyActions,
    {
      fault: name,
      target: `${spec.proxy} (${spec.toxic} ${spec.stream ?? 'downstream'})`,
      undo: { kind: 'toxic', url: toxiproxy.url, proxy: spec.proxy, toxic: toxicName },
      inject: () =>
        toxiproxy.addToxic(spec.proxy, {
          name: toxicName,
          type: spec.toxic,
          stream: spec.stream ?? 'downstream',
          toxicity: spec.toxicity ?? 1,
          attributes: spec.attributes ?? {},
        }),
    },
  ];
}
