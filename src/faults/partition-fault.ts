import type { PartitionFaultSpec } from '../experiment/schema.ts';
import type { FaultAction, FaultContext } from './fault-context.ts';
import { prepareProxy } from './prepare-proxy.ts';

// A partition: the proxy disabled, so every connection through it is refused.
// A proxy that was already disabled is left alone (and not enabled on revert).
export async function preparePartition(
  name: string,
  spec: PartitionFaultSpec,
  context: FaultContext,
): Promise<FaultAction[]> {
  const proxyActions = await prepareProxy(name, spec, context);
  const toxiproxy = context.toxiproxy(spec.url);
  const current = await toxiproxy.getProxy(spec.proxy);
  if (current && !current.enabled) return proxyActions;
  return [
    ...proxyActions,
    {
      fault: name,
      target: `${spec.proxy} (disabled)`,
      undo: { kind: 'proxy-disabled', url: toxiproxy.url, proxy: spec.proxy },
      inject: () => toxiproxy.setEnabled(spec.proxy, false),
    },
  ];
}
