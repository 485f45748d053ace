// What an import found: problems placed in the Chaos Toolkit file (errors: the activity cannot be
// imported; warnings: it is imported, but something in it is ignored or suspicious), and notes
// placed in the Faultline document, written as comments where the meaning shifts.
import type { Issue, PathSegment } from '../experiment/diagnostic.ts';

export type Note = { path: PathSegment[]; text: string };

export type Reporter = {
  issues: Issue[];
  notes: Note[];
  error(path: PathSegment[], message: string, at?: 'key' | 'value'): void;
  warn(path: PathSegment[], message: string, at?: 'key' | 'value'): void;
  note(path: PathSegment[], text: string): void;
};

export function createReporter(): Reporter {
  const issues: Issue[] = [];
  const notes: Note[] = [];
  const push =
    (severity: 'error' | 'warning') => (path: PathSegment[], message: string, at?: 'key' | 'value') => {
      const duplicate = issues.some(
        (issue) =>
          issue.message === message &&
          issue.path.join('\0') === path.join('\0') &&
          issue.severity === severity,
      );
      if (!duplicate) issues.push({ path, message, severity, ...(at ? { at } : {}) });
    };
  return {
    issues,
    notes,
    error: push('error'),
    warn: push('warning'),
    note(path, text) {
      if (!notes.some((note) => note.text === text && note.path.join('\0') === path.join('\0')))
        notes.push({ path, text });
    },
  };
}
