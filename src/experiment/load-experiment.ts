// Parse once at the edge: a file (YAML or JSON) in, a typed experiment with its variables
// substituted out, and every problem as a diagnostic at FILE:LINE:COL. Never throws on bad input.
import { dirname } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { checkAliasExpansion } from './alias-expansion.ts';
import { checkSemantics } from './check-semantics.ts';
import { checkYamlKeys } from './check-yaml-keys.ts';
import { coerceSubstitutedValues } from './coerce-variables.ts';
import { describeValue, isPlainObject, joinAlternatives } from './describe-schema.ts';
import {
  type Diagnostic,
  formatPath,
  type Issue,
  type PathSegment,
  type Severity,
  sortDiagnostics,
} from './diagnostic.ts';
import { didYouMean } from './did-you-mean.ts';
import { type Experiment, normalizeExperiment } from './experiment.ts';
import { importExperimentModule, isExperimentModule } from './import-experiment-module.ts';
import { parseLabelSelector } from './label-selector.ts';
import { maxDocumentBytes, readSourceFile } from './read-source-file.ts';
import { createRedactor } from './redactor.ts';
import { checkScheduleSemantics, ScheduleSchema } from './schedule-schema.ts';
import { type ExperimentDocument, ExperimentSchema } from './schema.ts';
import { createSourceLocator, type SourceLocator, type SourcePosition } from './source-positions.ts';
import { type StringFormat, validateSchema } from './validate-schema.ts';
import { resolveVariables, substituteVariables } from './variables.ts';

export type LoadOptions = {
  /** --var KEY=VALUE, the highest precedence. */
  vars?: Readonly<Record<string, string>>;
  /** The process environment (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** An unresolved variable is a warning for `validate`, an error for `plan` and `run` (the default). */
  unresolved?: Severity;
  /** The kinds the caller can use (default: every registered kind); another kind is an error at `kind`. */
  kinds?: readonly string[];
  /**
   * For a document made from another file (a Chaos Toolkit experiment): where a field of the
   * document was written in that file, so that each problem is shown there, the document's own
   * field path beside it (undefined: nowhere in that file; the problem is about the whole file).
   */
  place?: (path: readonly PathSegment[]) => PlacedPath | undefined;
};

export type PlacedPath = { line: number; column: number; path: string };

export type LoadResult = {
  /** Present when there is no error and the document is an Experiment: its variables substituted. */
  experiment?: Experiment;
  /** Present when there is no error: the document of any kind, its variables substituted. */
  document?: unknown;
  /** The document's kind, once it is known to be a registered one. */
  kind?: string;
  /** The document as parsed, before substitution; undefined when it could not be parsed. */
  source: unknown;
  diagnostics: Diagnostic[];
  /** Hides secret values: pass everything printed or written through it. */
  redact: (text: string) => string;
};

type DocumentKind = { schema: TSchema; checkSemantics: (value: unknown) => Issue[] };

// Keyed by `kind`: an Experiment (run, plan) or a Schedule (the game-day daemon).
const documentKinds: Readonly<Record<string, DocumentKind>> = {
  Experiment: { schema: ExperimentSchema, checkSemantics },
  Schedule: { schema: ScheduleSchema, checkSemantics: checkScheduleSemantics },
};

const formats: Record<string, StringFormat> = {
  'label-selector': {
    noun: 'label selector',
    check: (text) => {
      const result = parseLabelSelector(text);
      return result.ok ? undefined : result.error.message;
    },
  },
};

function checkKind(
  source: unknown,
  accepted: readonly string[] = Object.keys(documentKinds),
): { kind?: DocumentKind; name?: string; issues: Issue[] } {
  const known = Object.keys(documentKinds).filter((name) => accepted.includes(name));
  if (!isPlainObject(source)) {
    const found = describeValue(source);
    const expected = `a document of kind ${joinAlternatives(known)} (a mapping with apiVersion, kind, metadata and spec)`;
    return { issues: [{ path: [], message: `expected ${expected}, found ${found}`, expected, found }] };
  }
  if (!Object.hasOwn(source, 'kind')) {
    return {
      issues: [{ path: [], message: `missing required field "kind" (one of ${joinAlternatives(known)})` }],
    };
  }
  const kind = source.kind;
  if (typeof kind === 'string' && known.includes(kind))
    return { kind: documentKinds[kind], name: kind, issues: [] };
  const found = describeValue(kind);
  const expected = `one of ${joinAlternatives(known.map((name) => JSON.stringify(name)))}`;
  if (typeof kind === 'string' && Object.hasOwn(documentKinds, kind)) {
    const message = `this command takes a document of kind ${joinAlternatives(known.map((name) => JSON.stringify(name)))}, not ${found}`;
    return { issues: [{ path: ['kind'], message, expected, found }] };
  }
  const suggestion = typeof kind === 'string' ? didYouMean(kind, known) : undefined;
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  return {
    issues: [
      {
        path: ['kind'],
        message: `unknown kind: expected ${expected}, found ${found}${hint}`,
        expected,
        found,
      },
    ],
  };
}

// In a flow collection `{ a: ${X} }` is not valid YAML (a plain value cannot hold `{`); say so.
function hintFor(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const line = text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  return /(^|[^"'])\$\{/.test(line) ? ` (inside { } or [ ], quote a value holding \${...})` : '';
}

function parseYaml(text: string): { document: Document; lineCounter: LineCounter; issues: Issue[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    uniqueKeys: false,
    prettyErrors: false,
    logLevel: 'error',
  });
  const syntax =
    (severity: Severity) => (error: { pos: [number, number]; code: string; message: string }) => ({
      path: [],
      offset: error.pos[0],
      message:
        error.code === 'MULTIPLE_DOCS'
          ? 'a second document (after ---): a file holds one document'
          : `invalid YAML: ${error.message}${hintFor(text, error.pos[0])}`,
      severity,
    });
  const issues: Issue[] = [
    ...document.errors.map(syntax('error')),
    ...document.warnings.map(syntax('warning')),
  ];
  return { document, lineCounter, issues };
}

// Where an issue is in the text; a document that was never text (a module's export) has no places.
type Placer = {
  [K in keyof SourceLocator]: (...args: Parameters<SourceLocator[K]>) => Partial<SourcePosition>;
};

const positionless: Placer = { positionOf: () => ({}), positionAt: () => ({}) };

function toDiagnostic(
  file: string,
  locator: Placer,
  redact: (text: string) => string,
  place: LoadOptions['place'],
) {
  const positionOf = (issue: Issue): Partial<SourcePosition> & { path: string; message: string } => {
    if (place) {
      const placed = place(issue.path);
      const imported = issue.path.length > 0 ? ` (imported as ${formatPath(issue.path)})` : '';
      return { ...placed, path: placed?.path ?? '', message: `${issue.message}${imported}` };
    }
    const { line, column } =
      issue.offset === undefined
        ? locator.positionOf(issue.path, issue.at)
        : locator.positionAt(issue.offset);
    return { line, column, path: formatPath(issue.path), message: issue.message };
  };
  return (issue: Issue): Diagnostic => {
    const { line, column, path, message } = positionOf(issue);
    const diagnostic: Diagnostic = {
      file,
      ...(line === undefined ? {} : { line, column }),
      severity: issue.severity ?? 'error',
      path,
      message: redact(message),
    };
    if (issue.expected !== undefined) diagnostic.expected = redact(issue.expected);
    if (issue.found !== undefined) diagnostic.found = redact(issue.found);
    return diagnostic;
  };
}

function isUnder(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, index) => path[index] === segment);
}

// Validates the text of `file` (which is only used for messages and to find secret files).
export function parseExperiment(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const { document, lineCounter, issues } = parseYaml(text);
  const judge = createJudge(file, createSourceLocator(document, lineCounter), issues, options.place);
  if (issues.some((issue) => issue.severity === 'error')) return judge.finish(undefined);
  const { duplicateKeys, collectionKeys } = checkYamlKeys(document, lineCounter);
  issues.push(...duplicateKeys, ...collectionKeys);
  if (collectionKeys.length > 0) return judge.finish(undefined);
  if (document.contents === null) return judge.fail('the file is empty; expected an Experiment document');
  const expansion = checkAliasExpansion(document);
  if (expansion) {
    issues.push(expansion);
    return judge.finish(undefined);
  }
  let source: unknown;
  try {
    // checkAliasExpansion bounds what aliases stand for, across the document.
    source = document.toJS({ maxAliasCount: -1 });
  } catch (error) {
    return judge.fail(`cannot read the document: ${(error as Error).message}`);
  }
  return judge.judge(source, options);
}

// Validates a value that is already a document (an experiment module's default export, or an object
// handed to the library): the same checks as a file, its diagnostics placed by field path only.
// It is judged as JSON would carry it (a copy: the caller's object is never changed; a function
// field is left out, a cycle refused).
export function judgeDocument(value: unknown, file: string, options: LoadOptions = {}): LoadResult {
  const judge = createJudge(file, positionless, []);
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(value) ?? 'null');
  } catch (error) {
    return judge.fail(`cannot read the document: ${(error as Error).message.split('\n', 1)[0]}`);
  }
  return judge.judge(copy, options);
}

function createJudge(file: string, locator: Placer, issues: Issue[], place?: LoadOptions['place']) {
  let redact = (value: string) => value;
  const finish = (source: unknown, document?: unknown, kind?: string, complete = false): LoadResult => {
    const diagnostics = sortDiagnostics(issues.map(toDiagnostic(file, locator, redact, place)));
    const valid = !diagnostics.some((diagnostic) => diagnostic.severity === 'error');
    // Only a document with every variable resolved can be run (an unresolved one is a warning for `validate`).
    const runnable = valid && complete && kind === 'Experiment';
    return {
      experiment: runnable ? normalizeExperiment(document as ExperimentDocument) : undefined,
      document: valid ? document : undefined,
      kind,
      source,
      diagnostics,
      redact,
    };
  };
  const judge = (source: unknown, options: LoadOptions): LoadResult => {
    const { kind, name, issues: kindIssues } = checkKind(source, options.kinds);
    issues.push(...kindIssues);
    if (!kind || !isPlainObject(source)) return finish(source);
    const judged = substituteAndJudge(kind, source, file, options);
    redact = judged.redact;
    issues.push(...judged.issues);
    return finish(source, judged.value, name, judged.complete);
  };
  const fail = (message: string): LoadResult => {
    issues.push({ path: [], message });
    return finish(undefined);
  };
  return { finish, judge, fail };
}

// Substitutes variables, then runs the schema and the semantic rules on the result.
function substituteAndJudge(
  kind: DocumentKind,
  source: Record<string, unknown>,
  file: string,
  options: LoadOptions,
): { value: unknown; issues: Issue[]; redact: (text: string) => string; complete: boolean } {
  const spec = isPlainObject(source.spec) ? source.spec : {};
  const variables = resolveVariables({
    configuration: spec.configuration,
    secrets: spec.secrets,
    env: options.env ?? process.env,
    vars: options.vars ?? {},
    baseDirectory: dirname(file),
    unresolved: options.unresolved ?? 'error',
  });
  const substitution = substituteVariables(source, variables, {
    skip: (path) => isUnder(path, ['spec', 'configuration']) || isUnder(path, ['spec', 'secrets']),
  });
  coerceSubstitutedValues(kind.schema, substitution.value, substitution.wholeReferencePaths);
  // A value still holding an unresolved variable cannot be judged; its warning or error says why.
  const unresolved = new Set(substitution.unresolvedPaths.map((path) => formatPath(path)));
  const judged = [
    ...validateSchema(kind.schema, substitution.value, { formats }),
    ...kind.checkSemantics(substitution.value),
  ].filter((issue) => !unresolved.has(formatPath(issue.path)));
  return {
    value: substitution.value,
    issues: [...variables.issues, ...substitution.issues, ...judged],
    redact: createRedactor(variables.secretValues),
    complete: unresolved.size === 0 && variables.failedSecrets.size === 0,
  };
}

// The file is read up to maxDocumentBytes; a larger one is refused before it is parsed. A module
// (.ts, .mts, .js, .mjs) is imported and its default export judged as a document.
export async function loadExperiment(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const wholeFileProblem = (message: string): LoadResult => {
    const diagnostic: Diagnostic = { file, severity: 'error', path: '', message };
    return { source: undefined, diagnostics: [diagnostic], redact: (value) => value };
  };
  if (isExperimentModule(file)) {
    const imported = await importExperimentModule(file);
    if ('problem' in imported) return wholeFileProblem(imported.problem);
    return judgeDocument(imported.value, file, options);
  }
  const read = readSourceFile(file, maxDocumentBytes);
  if ('problem' in read) return wholeFileProblem(read.problem);
  return parseExperiment(read.text, file, options);
}
