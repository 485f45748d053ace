// A deadline per Kubernetes API call that really ends the request. The client's generated APIs take
// no signal, so the call's signal is carried in async context and a middleware hands it to each
// request the call makes (the API discovery of KubernetesObjectApi included): when the deadline
// passes, the socket is closed instead of left waiting on a silent server.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Middleware } from '@kubernetes/client-node';

const callSignal = new AsyncLocalStorage<AbortSignal>();

/** For createConfiguration's promiseMiddleware: every request of a call gets the call's signal. */
export const abortWithCall: Middleware = {
  pre: async (context) => {
    const signal = callSignal.getStore();
    if (signal) context.setSignal(signal);
    return context;
  },
  post: async (response) => response,
};

// Runs `work` with `signal` as the signal of its requests; rejects with the signal's reason as soon
// as it aborts, even if some step of the client does not listen to it.
export function runWithSignal<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    callSignal
      .run(signal, work)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', abort));
  });
}
