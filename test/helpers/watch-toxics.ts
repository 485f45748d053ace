// A proxy's toxics watched from outside every tool: Toxiproxy polled every 20 ms, recording when a
// toxic first appeared and when the proxy first had none again, so that two tools' times with a
// fault in place are measured the same way (to within the poll). A Faultline run's claim on the
// proxy (a harmless toxic held for the whole run) is not a fault, and is not counted.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseMark } from '../../src/faults/fault-marks.ts';

export type ToxicWindow = {
  /** Epoch milliseconds. */
  appearedAt?: number;
  goneAt?: number;
  names: string[];
};

export type ToxicWatch = {
  now(): ToxicWindow;
  /** Resolves once a toxic is on the proxy (rejects after the timeout). */
  appeared(timeoutMs?: number): Promise<void>;
  stop(): Promise<ToxicWindow>;
};

export function watchToxics(toxiproxyUrl: string, proxy: string): ToxicWatch {
  const window: ToxicWindow = { names: [] };
  let running = true;
  const loop = (async () => {
    while (running) {
      const response = await fetch(`${toxiproxyUrl}/proxies/${proxy}/toxics`);
      const toxics = ((await response.json()) as { name: string }[]).filter(
        ({ name }) => parseMark(name)?.role !== 'claim',
      );
      const at = Date.now();
      if (toxics.length > 0) window.appearedAt ??= at;
      else if (window.appearedAt !== undefined) window.goneAt ??= at;
      for (const { name } of toxics) if (!window.names.includes(name)) window.names.push(name);
      await sleep(20);
    }
  })();
  return {
    now: () => ({ ...window, names: [...window.names] }),
    async appeared(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (window.appearedAt === undefined) {
        if (Date.now() > deadline) throw new Error(`no toxic appeared on ${proxy} within ${timeoutMs} ms`);
        await sleep(10);
      }
    },
    async stop() {
      running = false;
      await loop;
      return { ...window, names: [...window.names] };
    },
  };
}
