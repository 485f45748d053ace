// Problems found in an input file, and how they are printed: `FILE:LINE:COL: error: message`
// (the compiler convention that editors and CI annotate; line and column are 1-based).

export type Severity = 'error' | 'warning';

export type PathSegment = string | number;

// A problem found in a value, before it is placed in a file. `at` says which node the problem
// belongs to: the key (an unknown field) or the value (a bad value; for a missing field, the path
// is the parent map's).
export type Issue = {
  path: PathSegment[];
  at?: 'key' | 'value';
  /** When known, the node's offset in the text; it overrides the lookup by path. */
  offset?: number;
  message: string;
  expected?: string;
  found?: string;
  severity?: Severity;
};

export type Diagnostic = {
  file: string;
  /** 1-based; absent when the problem is about the whole file (e.g. it cannot be read). */
  line?: number;
  /** 1-based. */
  column?: number;
  severity: Severity;
  /** The field path, e.g. spec.faults[1].duration; empty for the document itself. */
  path: string;
  message: string;
  expected?: string;
  found?: string;
};

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// spec.faults[1].duration; keys that are not identifiers are quoted: labels["app.kubernetes.io/name"].
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (identifier.test(segment)) text += text ? `.${segment}` : segment;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

export function formatDiagnostic(diagnostic: Diagnostic): string {
  const place =
    diagnostic.line === undefined
      ? diagnostic.file
      : `${diagnostic.file}:${diagnostic.line}:${diagnostic.column ?? 1}`;
  const subject = diagnostic.path ? `${diagnostic.path}: ` : '';
  return `${place}: ${diagnostic.severity}: ${subject}${diagnostic.message}`;
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
  return { errors, warnings: diagnostics.length - errors };
}

// Compiler order: by line, then column; problems about the whole file first.
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
