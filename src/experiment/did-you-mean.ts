// Suggestions for misspelt names: the closest candidate by edit distance, if it is close enough.

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters each cost 1 (so "belwo" is one edit from "below").
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const distance: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: columns }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => distance[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < columns; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (distance[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

// The candidate closest to `word`, when at most about a third of it is wrong (so words of one or
// two letters only match with another case); case differences count as half an edit, so "Below"
// suggests "below".
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(0.5, Math.floor(word.length / 3));
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const exact = editDistance(word, candidate);
    const folded = editDistance(word.toLowerCase(), candidate.toLowerCase());
    const score = Math.min(exact, folded + 0.5);
    if (score <= limit && (best === undefined || score < best.score)) best = { candidate, score };
  }
  return best?.candidate;
}
