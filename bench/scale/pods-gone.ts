// The end event both sides of a kill or a drain share: the moment the bench's own watch sees the last
// of the targeted pods DELETED (gone from the API, not merely terminating). Started before the tool,
// from the resourceVersion of the list that named the targets, so no deletion can be missed.
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

// Resolves with performance.now() when every target has been DELETED.
export async function whenAllGone(
  kubeConfig: KubeConfig,
  namespace: string,
  selectors: { labelSelector?: string; fieldSelector?: string },
  targets: Targets,
): Promise<{ gone: Promise<number>; stop: () => void }> {
  const left = new Set(targets.uids);
  let settle: (at: number) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const gone = new Promise<number>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const controller = await new Watch(kubeConfig).watch(
    `/api/v1/namespaces/${namespace}/pods`,
    { ...selectors, resourceVersion: targets.resourceVersion, allowWatchBookmarks: true },
    (phase, pod: { metadata?: { uid?: string } }) => {
      if (phase !== 'DELETED') return;
      left.delete(pod.metadata?.uid ?? '');
      if (left.size === 0) settle(performance.now());
    },
    (error) => {
      if (left.size > 0) fail(error ?? new Error(`the watch ended with ${left.size} targets left`));
    },
  );
  if (left.size === 0) settle(performance.now());
  return { gone, stop: () => controller.abort() };
}
