import type { Sample } from './sample.ts';

export type SampleJudgement = {
  /** Hypothesis samples out of tolerance, with how many in a row that probe has failed. */
  failed: { sample: Sample; inARow: number }[];
  /** The first probe that reached `failAfter` failures in a row. */
  deviated?: { sample: Sample; inARow: number };
  /** The first abort condition that failed. */
  abortedBy?: Sample;
};

// One sampling round during the method: counts consecutive failures per probe (a success resets
// its count; `inARow` keeps the state between rounds) and decides deviation and abort. Pure.
export function judgeSamples(
  hypothesis: Sample[],
  aborts: Sample[],
  inARow: Map<string, number>,
  failAfter: number,
): SampleJudgement {
  const judgement: SampleJudgement = { failed: [] };
  judgement.abortedBy = aborts.find((a) => a.outcome !== 'ok');
  for (const sample of hypothesis) {
    if (sample.outcome === 'ok') {
      inARow.set(sample.probe, 0);
      continue;
    }
    const count = (inARow.get(sample.probe) ?? 0) + 1;
    inARow.set(sample.probe, count);
    judgement.failed.push({ sample, inARow: count });
    if (count >= failAfter) judgement.deviated ??= { sample, inARow: count };
  }
  return judgement;
}
