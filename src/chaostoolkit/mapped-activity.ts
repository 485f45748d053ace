// What one Chaos Toolkit activity becomes in Faultline. A provider's mapping returns one of these;
// the method, hypothesis and rollback mappings place it.
import type { PathSegment } from '../experiment/diagnostic.ts';
import type { ExpectSpec } from '../experiment/schema.ts';

// What a probe's value is in Chaos Toolkit, which decides what its tolerance means.
export type ProbeValue =
  | { kind: 'http' } // {status, headers, body}
  | { kind: 'process' } // {status, stdout, stderr}
  /** true or false; `holds` is the Faultline expectation when true, `fails` when false (if it can be written). */
  | { kind: 'check'; holds: ExpectSpec; fails?: ExpectSpec }
  /** The API's JSON answer to an instant query, or to a range query over `range` (a PromQL subquery range). */
  | { kind: 'prometheus'; range?: string }
  | { kind: 'opaque'; what: string }; // a value no Faultline expectation can judge

// A tolerance as Faultline writes it: the expectation, what it adds to a prometheus probe
// (aggregate, onEmpty), and how it rewrites the probe's query (query_interval).
export type MappedExpect = {
  expect: ExpectSpec;
  prometheus?: Record<string, unknown>;
  queryOf?: (query: string) => string;
};

// One line of a `# ...` comment in the Faultline document, above the part it is about.
export type Comment = string;

export type MappedFault = {
  as: 'fault';
  /** The fault's kind and body, e.g. { podKill: {...} }. */
  body: Record<string, unknown>;
  /** True when the fault stays until reverted (a toxic, a cordon); false for an instant one (a pod kill). */
  lasting: boolean;
  /** Keys an undo activity names to end this fault (delete_toxic, uncordon_node, ...). */
  undoKeys: string[];
  /** How long it may last at most, in seconds (a process's timeout). */
  maxSeconds?: number;
  comments: Comment[];
};

export type MappedProbe = {
  as: 'probe';
  /** The probe's kind and body, e.g. { http: {...} }, plus `timeout` or `retries`. */
  body: Record<string, unknown>;
  value: ProbeValue;
  /** Prometheus settings a tolerance needs (aggregate, onEmpty) go into body.prometheus. */
  comments: Comment[];
};

export type MappedUndo = {
  as: 'undo';
  /** Ends every fault with one of these undo keys. */
  undoes: string[];
  /** Says what Chaos Toolkit would do beyond Faultline's own revert, if anything. */
  comment?: Comment;
};

// chaostoxi create_proxy: folded into the faults that use the proxy (Faultline creates it with them).
export type MappedProxySetup = { as: 'proxy-setup'; proxy: string; listen: unknown; upstream: unknown };

// An empty reason: the problem was reported already (an argument Chaos Toolkit would refuse).
export type Unmapped = { as: 'unmapped'; reason: string; path?: PathSegment[] };

export type MappedActivity = MappedFault | MappedProbe | MappedUndo | MappedProxySetup | Unmapped;

export const unmapped = (reason: string, path?: PathSegment[]): Unmapped => ({
  as: 'unmapped',
  reason,
  ...(path ? { path } : {}),
});
