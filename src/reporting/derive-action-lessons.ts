import type { Journal } from '../engine/journal.ts';
import type { ActionRow, Lessons } from './findings.ts';
import { formatDuration } from './format-time.ts';
import { listNames, plural } from './lesson-words.ts';

// Mentions of a PodDisruptionBudget in an event: the budget stopping (or slowing) an eviction.
const disruptionBudget = /poddisruptionbudget|disruption budget|\bpdb\b/i;

/** Beyond this many actions of one kind, they are summed up in one item. */
const maxItems = 3;

// A killed pod is not put back: its controller replaces it, so "already gone" is the normal revert.
export const isGoneByDesign = (action: ActionRow) => action.undoKind === 'pod-deleted';

// What the injected fault actions teach: their reverts (retries, failures, something else removing a
// fault first), and their effects (a killed pod's owner Ready again or not, a drain that a
// PodDisruptionBudget blocked, a drain that failed).
export function actionLessons(journal: Journal, injected: ActionRow[], at: (t: number) => string): Lessons {
  const lessons: Lessons = { wentWell: [], wentWrong: [], lucky: [], followUps: [] };
  const { wentWell: well, wentWrong: wrong, lucky, followUps } = lessons;

  for (const action of injected) {
    if (action.revert === 'failed') {
      wrong.push(
        `Reverting ${action.undo} failed after ${plural(action.attempts ?? 1, 'attempt')}: ${action.error ?? 'no error recorded'}. It may still be in place (ledger entry ${action.ledgerEntry}).`,
      );
    } else if (action.revert === undefined) {
      wrong.push(`The journal records no revert of ${action.undo} (ledger entry ${action.ledgerEntry}).`);
    } else if ((action.attempts ?? 1) > 1) {
      lucky.push(
        `Reverting ${action.undo} needed ${plural(action.attempts ?? 1, 'attempt')}${action.retries[0] ? ` (${action.retries[0]})` : ''}; it succeeded within the revert timeout of ${formatDuration(journal.settings.revertTimeoutMs)}.`,
      );
      followUps.push(
        `Find out why reverting ${action.fault} needed retries: the fault's server answered slowly or refused.`,
      );
    }
    if (action.revert === 'already-gone' && !isGoneByDesign(action))
      lucky.push(
        `${action.undo} was already gone when the run reverted it: something else removed it during the run, so the system may have faced less of the fault than planned.`,
      );
  }
  const cleanlyReverted = (a: ActionRow) =>
    (a.revert === 'reverted' || (a.revert === 'already-gone' && isGoneByDesign(a))) && (a.attempts ?? 1) <= 1;
  if (injected.length > 0 && injected.every(cleanlyReverted))
    well.push(
      `Every fault action (${injected.length}) was reverted on the first attempt and its ledger entry closed: nothing was left behind.`,
    );

  // Killed pods: was their owner fully Ready again, and how fast?
  for (const fault of new Set(injected.map((a) => a.fault))) {
    const effects = injected.filter((a) => a.fault === fault && a.effect);
    const ready = effects.filter((a) => a.effect?.outcome === 'ready');
    const slowest = Math.max(...ready.map((a) => a.effect?.afterMs ?? 0));
    if (ready.length === 1 && ready[0]?.effect)
      well.push(
        `After ${fault} removed ${ready[0].target}, ${ready[0].effect.detail} ${formatDuration(ready[0].effect.afterMs ?? 0)} later.`,
      );
    else if (ready.length > 1)
      well.push(
        `Each of the ${ready.length} times ${fault} removed a pod, its owner (${listNames([...new Set(ready.map((a) => a.owner ?? '?'))])}) was fully Ready again, at most ${formatDuration(slowest)} later.`,
      );
    const notReady = effects.filter((a) => a.effect?.outcome === 'not-ready');
    for (const action of notReady.slice(0, maxItems))
      wrong.push(`After ${fault} removed ${action.target}: ${action.effect?.detail}.`);
    if (notReady.length > maxItems)
      wrong.push(
        `… and ${plural(notReady.length - maxItems, 'more pod')} of ${fault} whose owner was not Ready again.`,
      );
    if (notReady.length > 0)
      followUps.push(
        `Find out why ${listNames([...new Set(notReady.map((a) => a.owner ?? a.target))])} did not become fully Ready again after ${fault}: scheduling, image pulls, readiness probes or capacity.`,
      );
    for (const action of effects.filter(
      (a) => a.effect?.outcome === 'failed' || a.effect?.outcome === 'stopped',
    ))
      wrong.push(`${fault} on ${action.target} did not complete: ${action.effect?.detail}.`);
  }

  // A PodDisruptionBudget that blocked an eviction: from the effects, else from the events' words.
  const blocked = injected.filter((a) => a.effect?.outcome === 'blocked');
  const budgetEvents = journal.events.filter((e) => disruptionBudget.test(`${e.type} ${e.message}`));
  if (blocked.length > 0 || budgetEvents.length > 0) {
    const what =
      blocked.length > 0
        ? blocked.map(
            (a) =>
              `${a.effect?.podDisruptionBudget ? `PodDisruptionBudget ${a.effect.podDisruptionBudget} kept ` : ''}${a.target}: ${a.effect?.detail}`,
          )
        : budgetEvents.map((e) => `${at(e.at)}: ${e.message}`);
    well.push(`A PodDisruptionBudget protected availability during the run (${what.join('; ')}).`);
    followUps.push(
      'The disruption budget limited the drain, so the hypothesis was checked against a smaller disruption than planned: record the budget as the protection it is, or test what happens without it.',
    );
  }
  return lessons;
}
