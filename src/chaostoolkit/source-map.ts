// Where each part of an imported Faultline document came from in the Chaos Toolkit file, so that a
// problem found in the document (by `validate`, `plan` or `run` on a Chaos Toolkit file) can be
// shown at the line and column the user wrote.
import type { PathSegment } from '../experiment/diagnostic.ts';

export type SourceMap = {
  record(faultlinePath: PathSegment[], sourcePath: PathSegment[]): void;
  /** The source of the longest recorded prefix of a Faultline path. */
  sourceOf(faultlinePath: readonly PathSegment[]): PathSegment[] | undefined;
  entries(): { faultline: PathSegment[]; source: PathSegment[] }[];
};

const keyOf = (path: readonly PathSegment[]) => JSON.stringify(path);

export function createSourceMap(): SourceMap {
  const bySource = new Map<string, { faultline: PathSegment[]; source: PathSegment[] }>();
  return {
    record(faultline, source) {
      bySource.set(keyOf(faultline), { faultline, source });
    },
    sourceOf(faultlinePath) {
      for (let length = faultlinePath.length; length >= 0; length -= 1) {
        const found = bySource.get(keyOf(faultlinePath.slice(0, length)));
        if (found) return found.source;
      }
      return undefined;
    },
    entries: () => [...bySource.values()],
  };
}
