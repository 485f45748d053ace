// The runs this process is running now. A process that judges its own ledger entries (a daemon's
// sweep beside its runs, a test running several) tells a run still going from one that ended here.
const going = new Set<string>();

export function enterRun(runId: string): () => void {
  going.add(runId);
  return () => going.delete(runId);
}

export const isRunInThisProcess = (runId: string): boolean => going.has(runId);
