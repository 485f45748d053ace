import { isGoneByDesign } from './derive-action-lessons.ts';
import type { ActionRow, Findings } from './findings.ts';
import { formatDuration, formatOffset } from './format-time.ts';
import type { Block, Cell, Tone } from './report-document.ts';

/** A repeating fault (a pod kill every few seconds for an hour) lists its first actions only. */
const maxActionsPerFault = 10;

const effectTone: Record<string, Tone> = {
  ready: 'good',
  drained: 'good',
  blocked: 'warn',
  'not-measured': 'info',
  'not-ready': 'bad',
  failed: 'bad',
  stopped: 'bad',
};

function revertCell(a: ActionRow): Cell {
  if (a.revert === 'failed')
    return { text: `FAILED after ${a.attempts ?? '?'} attempts: ${a.error ?? ''}`, tone: 'bad' };
  if (a.revert === undefined)
    return a.injectedAt !== undefined
      ? { text: 'not recorded', tone: 'bad' }
      : { text: 'nothing to revert', tone: 'info' };
  if (a.revert === 'already-gone' && isGoneByDesign(a))
    return { text: 'nothing to undo (its controller replaces it)', tone: 'good' };
  const retried = (a.attempts ?? 1) > 1;
  return {
    text: `${a.revert}${retried ? ` after ${a.attempts} attempts` : ''}`,
    tone: retried || a.revert === 'already-gone' ? 'warn' : 'good',
  };
}

function inPlaceCell(a: ActionRow): string {
  if (a.injectedAt === undefined) return '';
  if (isGoneByDesign(a))
    return a.effect?.outcome === 'ready' && a.effect.afterMs !== undefined
      ? `${formatDuration(a.effect.afterMs)}, until its owner was Ready again`
      : 'a deletion';
  if (a.revertedAt !== undefined && a.revert !== 'failed') return formatDuration(a.revertedAt - a.injectedAt);
  return 'still in place?';
}

// The table of fault actions: what, where, when, how it was reverted and what became of the target.
export function buildActionTable(f: Findings, at: (t: number) => string): Block {
  if (f.actions.length === 0) return { kind: 'paragraph', text: 'No fault action was prepared.' };
  const when = (t: number | undefined, none: string) =>
    t !== undefined ? `${at(t)} (${formatOffset(t, f.origin)})` : none;
  const rows: Cell[][] = [];
  for (const fault of new Set(f.actions.map((a) => a.fault))) {
    const actions = f.actions.filter((a) => a.fault === fault);
    for (const a of actions.slice(0, maxActionsPerFault)) {
      rows.push([
        a.round !== undefined ? `${a.fault} (round ${a.round + 1})` : a.fault,
        a.description,
        a.target,
        a.plannedFrom !== undefined
          ? `${formatOffset(a.plannedFrom, f.origin)} to ${a.plannedTo !== undefined ? formatOffset(a.plannedTo, f.origin) : 'the end of the method'}`
          : 'unknown',
        when(a.injectedAt, 'not injected'),
        when(a.revertedAt, 'never'),
        inPlaceCell(a),
        revertCell(a),
        a.effect
          ? {
              text: `${a.effect.detail}${a.effect.afterMs !== undefined ? `, after ${formatDuration(a.effect.afterMs)}` : ''}`,
              tone: effectTone[a.effect.outcome] ?? 'info',
            }
          : '',
      ]);
    }
    const more = actions.length - maxActionsPerFault;
    if (more > 0) rows.push([fault, `… ${more} more actions (see journal.json)`, '', '', '', '', '', '', '']);
  }
  return {
    kind: 'table',
    headers: ['Fault', 'What', 'Target', 'Planned', 'Injected', 'Reverted', 'In place', 'Revert', 'Effect'],
    rows,
  };
}
