// `faultline status` as text: the halt, each live run with its faults in place, the orphans that
// `faultline recover` would revert, and where all this was looked for. Everything from outside
// (run ids, experiment names, hosts, toxic names) is escaped onto one line.
import type { Halt } from '../src/registry/halt.ts';
import { escapeLine, type Terminal } from './terminal.ts';

export type LiveRunStatus = {
  runId: string;
  experiment: string | null;
  host: string | null;
  pid: number | null;
  /** ISO 8601: the run holds no fault past it. */
  deadline: string | null;
  /** Faults in place, described. */
  faults: string[];
  targets: string[];
  seenIn: ('cluster' | 'toxiproxy')[];
  /** Why it is judged alive. */
  alive: string;
};

export type RunnersStatus = {
  /** Where the runs and the halt were looked for. */
  places: string[];
  halt: (Halt & { where: string[] }) | null;
  /** Every place could be read for the halt: `halt: null` means none stands. */
  haltReadEverywhere: boolean;
  live: LiveRunStatus[];
  /** Faults of runs that are gone: what `faultline recover` would revert. */
  orphans: { runId: string; fault: string; source: 'ledger' | 'cluster' | 'mark'; why: string }[];
  /** Open entries of gone runs that this runner must not touch (another cluster, another host). */
  leftAlone: { runId: string; fault: string; reason: string }[];
  errors: string[];
};

export function statusText(status: RunnersStatus, out: Terminal): string[] {
  const lines: string[] = [];
  const { halt } = status;
  lines.push(
    halt
      ? `${out.paint('red', 'HALTED')} by ${escapeLine(halt.by)} at ${escapeLine(halt.at)}: ${escapeLine(halt.reason)} (in ${halt.where.map(escapeLine).join('; ')}; \`faultline resume\` lifts it)`
      : status.haltReadEverywhere
        ? 'halt: none'
        : 'halt: none found, but not every place could be read (see stderr)',
  );
  lines.push(`live runs: ${status.live.length === 0 ? 'none' : status.live.length}`);
  for (const run of status.live) {
    const where = [run.host && `host ${run.host}`, run.pid && `pid ${run.pid}`].filter(Boolean).join(' ');
    lines.push(
      `  ${out.paint('bold', escapeLine(run.runId))}  ${escapeLine(run.experiment ?? '(experiment unknown)')}${where ? `  ${escapeLine(where)}` : ''}`,
    );
    lines.push(
      `    deadline ${run.deadline ?? 'unknown'}; seen in ${run.seenIn.join(' and ')}; alive: ${escapeLine(run.alive)}`,
    );
    if (run.targets.length > 0) lines.push(`    targets: ${run.targets.map(escapeLine).join(', ')}`);
    if (run.faults.length === 0) lines.push('    no fault in place');
    for (const fault of run.faults) lines.push(`    fault ${escapeLine(fault)}`);
  }
  lines.push(
    status.orphans.length === 0
      ? 'orphans: none'
      : `orphans: ${status.orphans.length} (\`faultline recover\` reverts them)`,
  );
  for (const orphan of status.orphans)
    lines.push(
      `  ${out.paint('yellow', escapeLine(orphan.fault))} of run ${escapeLine(orphan.runId)} (found in ${orphan.source}: ${escapeLine(orphan.why)})`,
    );
  for (const left of status.leftAlone)
    lines.push(
      `  left alone: ${escapeLine(left.fault)} of run ${escapeLine(left.runId)}: ${escapeLine(left.reason)}`,
    );
  lines.push(
    `looked at: ${status.places.length === 0 ? 'nothing (no cluster, no Toxiproxy server: give an experiment, --toxiproxy or a kubeconfig)' : status.places.map(escapeLine).join('; ')}`,
  );
  return lines;
}
