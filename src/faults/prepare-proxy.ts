import { AdapterError } from '../adapters/adapter-error.ts';
import type { PartitionFaultSpec } from '../experiment/schema.ts';
import type { FaultAction, FaultContext } from './fault-context.ts';

// A proxy the experiment declares (`listen` + `upstream`) is created when missing and removed on revert.
export async function prepareProxy(
  name: string,
  spec: Pick<PartitionFaultSpec, 'url' | 'proxy' | 'listen' | 'upstream'>,
  context: FaultContext,
): Promise<FaultAction[]> {
  const toxiproxy = context.toxiproxy(spec.url);
  const existing = await toxiproxy.getProxy(spec.proxy);
  if (existing) return [];
  if (!spec.listen || !spec.upstream) {
    throw new AdapterError(
      `toxiproxy ${toxiproxy.url}`,
      'not-found',
      `proxy ${spec.proxy} does not exist (declare listen and upstream to have it created)`,
    );
  }
  const { listen, upstream } = spec;
  return [
    {
      fault: name,
      target: `proxy ${spec.proxy} ${listen} -> ${upstream}`,
      undo: { kind: 'proxy-created', url: toxiproxy.url, proxy: spec.proxy },
      inject: () => toxiproxy.createProxy({ name: spec.proxy, listen, upstream }),
    },
  ];
}
