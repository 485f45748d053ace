import { AdapterError } from '../adapters/adapter-error.ts';
import type { Clock } from '../clock.ts';
import { isReverted, outOfReach, revertUndo } from '../faults/undo-handlers.ts';
import type { RevertContext, RevertOutcome, UndoRecord } from '../faults/undo-record.ts';

export type RevertReport =
  | { ok: true; outcome: RevertOutcome; attempts: number }
  | { ok: false; attempts: number; lastError: string };

// A record this runner must not touch (another cluster) is not retried: it stays open for a runner
// that reaches its target.

// Reverts and confirms by reading back, retrying with exponential backoff (250 ms doubling, at most
// 5 s apart) until it holds or `timeoutMs` runs out. `onRetry` hears every failed attempt.
export async function revertWithRetry(
  undo: UndoRecord,
  context: RevertContext & { clock: Clock },
  options: { timeoutMs: number; onRetry?: (attempt: number, error: string, nextInMs: number) => void },
): Promise<RevertReport> {
  const unreachable = outOfReach(undo, context);
  if (unreachable) return { ok: false, attempts: 0, lastError: `left alone: ${unreachable}` };
  const deadline = context.clock.now() + options.timeoutMs;
  let delay = 250;
  let attempts = 0;
  let lastError = '';
  for (;;) {
    attempts++;
    try {
      const outcome = await revertUndo(undo, context);
      if (await isReverted(undo, context)) return { ok: true, outcome, attempts };
      lastError = 'the revert was accepted but reading back shows the fault still in place';
    } catch (error) {
      lastError = error instanceof AdapterError || error instanceof Error ? error.message : String(error);
    }
    const remaining = deadline - context.clock.now();
    if (remaining <= 0) return { ok: false, attempts, lastError };
    const wait = Math.min(delay, remaining);
    options.onRetry?.(attempts, lastError, wait);
    await context.clock.sleep(wait);
    delay = Math.min(delay * 2, 5_000);
  }
}
