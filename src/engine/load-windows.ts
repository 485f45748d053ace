// The stretches of a run a load stream's figures are given for: each phase it ran through, and each
// fault's window. Read from the journal, once the stream has stopped.
import type { Journal, JournalAction } from './journal.ts';
import type { Phase } from './verdict.ts';

export type PhaseSpan = { phase: Phase; from: number; to: number };
export type FaultSpan = { fault: string; from: number; to: number };

// Consecutive events of one phase make its span, from the first of them to the first event of the
// next phase; the first span starts with the stream, the last ends with it.
export function phaseSpans(journal: Journal, from: number, to: number): PhaseSpan[] {
  const spans: PhaseSpan[] = [];
  for (const event of journal.events) {
    if (event.at < from || event.at > to || event.phase === 'done') continue;
    const last = spans[spans.length - 1];
    if (last?.phase === event.phase) continue;
    if (last) last.to = event.at;
    spans.push({ phase: event.phase, from: last ? event.at : from, to });
  }
  return spans;
}

// When an action stopped disturbing its target: a killed pod once its owner was Ready again, a
// rollout restart once it rolled out, anything else at its revert (or `end` when never reverted).
function actionEnd(action: JournalAction, end: number): number {
  const effect = action.effect;
  const settled = effect?.outcome === 'ready' || effect?.outcome === 'rolled-out';
  if (settled && effect?.afterMs !== undefined && action.injectedAt !== undefined)
    return action.injectedAt + effect.afterMs;
  return action.revertedAt ?? end;
}

export function faultSpans(journal: Journal, end: number): FaultSpan[] {
  return journal.faults.flatMap((fault) => {
    const injected = fault.actions.filter((action) => action.injectedAt !== undefined);
    if (injected.length === 0) return [];
    const from = Math.min(...injected.map((action) => action.injectedAt as number));
    const to = Math.max(from, ...injected.map((action) => actionEnd(action, end)));
    return [{ fault: fault.name, from, to }];
  });
}
