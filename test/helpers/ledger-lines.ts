import { hostname } from 'node:os';

// An open ledger line as a run on this host that has died would have left it: its pid is above
// Linux's largest, so recovery takes the entry. `undo` is written as given, valid or not.
export function deadRunOpenLine(entry: string, undo: unknown): string {
  const [runId = 'r1', fault = 'f'] = entry.split('/');
  return JSON.stringify({
    type: 'open',
    entry,
    runId,
    experiment: 'e',
    fault,
    undo,
    pid: 2 ** 22 + 1,
    host: hostname(),
    at: '2026-01-01T00:00:00Z',
  });
}

/** An undo kind this Faultline does not know: written by a newer one. */
export const newerUndo = { kind: 'deployment-scaled', namespace: 'shop', name: 'checkout', replicas: 3 };
