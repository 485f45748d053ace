// The end event both sides of a kill or a drain share: the moment the bench's own watch sees the API
// server accept the deletion of the last targeted pod (its deletionTimestamp set, or the pod gone).
// What follows is kwok's work, not the tool's: under 1 000 nodes kwok takes tens of seconds more to
// remove the pods. Started before the tool, from the resourceVersion of the list that named the
// targets, so no deletion can be missed.
import { type CoreV1Api, type KubeConfig, Watch } from '@kubernetes/client-node';

export type Targets = { uids: Set<string>; resourceVersion: string };

// The pods a kill or a drain will remove, by label or field selector (paged).
export async function listTargets(
  core: CoreV1Api,
  namespace: string,
  selectors: { labelSelector?: string; fieldSelector?: string },
): Promise<Targets> {
  const uids = new Set<string>();
  let token: string | undefined;
  let resourceVersion = '';
  do {
    const page = await core.listNamespacedPod({ namespace, ...selectors, limit: 500, _continue: token });
    for (const pod of page.items) if (!pod.metadata?.deletionTimestamp) uids.add(pod.metadata?.uid ?? '');
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    token = page.metadata?._continue || undefined;
  } while (token);
  return { uids, resourceVersion };
}

// Resolves with performance.now() when every target is deleted (being or gone). The client ends a watch that
// has been quiet for 30 s; it is started again from the last resourceVersion seen, so nothing is missed.
export async function whenAllGone(
  kubeConfig: KubeConfig,
  namespace: string,
  selectors: { labelSelector?: string; fieldSelector?: string },
  targets: Targets,
): Promise<{ gone: Promise<number>; stop: () => void }> {
  const left = new Set(targets.uids);
  let resourceVersion = targets.resourceVersion;
  let stopped = false;
  let controller: AbortController | undefined;
  let settle: (at: number) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const gone = new Promise<number>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  gone.catch(() => undefined);
  const start = async (): Promise<void> => {
    controller = await new Watch(kubeConfig).watch(
      `/api/v1/namespaces/${namespace}/pods`,
      { ...selectors, resourceVersion, allowWatchBookmarks: true },
      (phase, pod: { metadata?: { uid?: string; resourceVersion?: string; deletionTimestamp?: string } }) => {
        resourceVersion = pod.metadata?.resourceVersion ?? resourceVersion;
        if (phase !== 'DELETED' && !pod.metadata?.deletionTimestamp) return;
        left.delete(pod.metadata?.uid ?? '');
        if (left.size === 0) settle(performance.now());
      },
      (error: { name?: string } | null) => {
        if (stopped || left.size === 0) return;
        if (error && error.name !== 'TimeoutError') fail(error);
        else start().catch(fail);
      },
    );
  };
  await start();
  if (left.size === 0) settle(performance.now());
  return {
    gone,
    stop: () => {
      stopped = true;
      controller?.abort();
    },
  };
}
