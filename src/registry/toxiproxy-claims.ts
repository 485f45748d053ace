// A run's presence on the Toxiproxy servers it targets: a claim on each proxy (a harmless toxic
// named with the run id, the run's deadline and its experiment), placed before anything is
// injected and removed when the run ends. With the marks of its faults, this is how any runner sees
// a run without a cluster: who holds which proxy, until when.
import type { ToxiproxyAdapter } from '../adapters/toxiproxy.ts';
import { markName, parseMark } from '../faults/fault-marks.ts';
import { harmless } from '../faults/partition-fault.ts';
import type { Target } from './targets.ts';

export type ProxyTarget = Extract<Target, { kind: 'proxy' }>;

/** A run as Toxiproxy shows it: what its marks and claims say. */
export type ToxiproxyRun = {
  runId: string;
  deadline: number | undefined;
  experiment: string | undefined;
  /** Proxies it claims or holds a fault on. */
  targets: ProxyTarget[];
  /** Its faults in place: toxic names with where they are. */
  faults: { url: string; proxy: string; toxic: string; role: 'fault' | 'partition' }[];
};

export function claimName(runId: string, deadline: number, experiment: string): string {
  return markName({ runId, deadline, name: experiment, role: 'claim' });
}

// Claims every proxy that exists; returns the claims placed, so the run can remove them.
export async function placeClaims(
  toxiproxy: (url: string) => ToxiproxyAdapter,
  targets: readonly ProxyTarget[],
  claim: string,
): Promise<ProxyTarget[]> {
  const placed: ProxyTarget[] = [];
  for (const target of targets) {
    const server = toxiproxy(target.url);
    if (!(await server.getProxy(target.proxy))) continue; // created by the run itself, later
    await server.addToxic(target.proxy, { ...harmless, name: claim });
    placed.push(target);
  }
  return placed;
}

export async function removeClaims(
  toxiproxy: (url: string) => ToxiproxyAdapter,
  placed: readonly ProxyTarget[],
  claim: string,
): Promise<void> {
  await Promise.all(placed.map((target) => toxiproxy(target.url).removeToxic(target.proxy, claim)));
}

// Every run with a mark or a claim on these servers. An unreachable server is reported, not fatal.
export async function readToxiproxyRuns(
  toxiproxy: (url: string) => ToxiproxyAdapter,
  urls: readonly string[],
): Promise<{ runs: ToxiproxyRun[]; errors: string[] }> {
  const runs = new Map<string, ToxiproxyRun>();
  const errors: string[] = [];
  for (const url of new Set(urls)) {
    try {
      const server = toxiproxy(url);
      for (const proxy of await server.listProxies()) {
        for (const toxic of proxy.toxics) {
          const mark = parseMark(toxic.name);
          if (!mark) continue;
          let run = runs.get(mark.runId);
          if (!run) {
            run = {
              runId: mark.runId,
              deadline: mark.deadline,
              experiment: undefined,
              targets: [],
              faults: [],
            };
            runs.set(mark.runId, run);
          }
          run.deadline = Math.max(run.deadline ?? 0, mark.deadline ?? 0) || undefined;
          const target: ProxyTarget = { kind: 'proxy', url: server.url, proxy: proxy.name };
          if (!run.targets.some((t) => t.url === target.url && t.proxy === target.proxy))
            run.targets.push(target);
          if (mark.role === 'claim') run.experiment = mark.name;
          else run.faults.push({ url: server.url, proxy: proxy.name, toxic: toxic.name, role: mark.role });
        }
      }
    } catch (error) {
      errors.push(`could not read ${url}: ${(error as Error).message}`);
    }
  }
  return { runs: [...runs.values()], errors };
}
