// A Chaos Toolkit experiment's text, parsed the way Chaos Toolkit reads it and with source
// positions: `.json` is JSON (json.load), anything else YAML 1.1 (PyYAML's safe_load: `yes` is
// true). Syntax errors are issues at their offset; duplicate keys are warnings (both parsers keep
// the last one silently). Never throws.
import { type Document, LineCounter, parseDocument } from 'yaml';
import { checkYamlKeys } from '../experiment/check-yaml-keys.ts';
import type { Issue } from '../experiment/diagnostic.ts';
import { createSourceLocator, type SourceLocator } from '../experiment/source-positions.ts';

export type ChaosToolkitText = {
  /** The parsed value; undefined when the text could not be read as a document. */
  value: unknown;
  locator: SourceLocator;
  issues: Issue[];
};

// Node's JSON.parse names where it stopped: "... at position 123" or "(line 4 column 7)".
function jsonErrorOffset(message: string, text: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (!lineColumn) return undefined;
  const lines = text.split('\n').slice(0, Number(lineColumn[1]) - 1);
  return lines.reduce((sum, line) => sum + line.length + 1, 0) + Number(lineColumn[2]) - 1;
}

function jsonIssues(text: string): Issue[] {
  try {
    JSON.parse(text);
    return [];
  } catch (error) {
    const message = (error as Error).message;
    return [
      {
        path: [],
        offset: jsonErrorOffset(message, text) ?? 0,
        message: `not valid JSON (Chaos Toolkit reads a .json file with a JSON parser): ${message}`,
      },
    ];
  }
}

function syntaxIssues(document: Document): Issue[] {
  const issue = (error: { pos: [number, number]; code: string; message: string }): Issue => ({
    path: [],
    offset: error.pos[0],
    message:
      error.code === 'MULTIPLE_DOCS'
        ? 'a second document (after ---): Chaos Toolkit reads one experiment per file'
        : `invalid YAML: ${error.message.split('\n')[0]}`,
  });
  return [
    ...document.errors.map(issue),
    ...document.warnings.map((warning) => ({ ...issue(warning), severity: 'warning' as const })),
  ];
}

export function readChaosToolkitText(text: string, file: string): ChaosToolkitText {
  const json = /\.json$/i.test(file);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    version: json ? '1.2' : '1.1',
    uniqueKeys: false,
    prettyErrors: false,
    logLevel: 'error',
  });
  const locator = createSourceLocator(document, lineCounter);
  const issues = json ? jsonIssues(text) : [];
  if (issues.length === 0) issues.push(...syntaxIssues(document));
  if (issues.some((issue) => issue.severity !== 'warning')) return { value: undefined, locator, issues };
  const { duplicateKeys, collectionKeys } = checkYamlKeys(document, lineCounter);
  const lastWins = '; Chaos Toolkit keeps the last one';
  issues.push(
    ...duplicateKeys.map((issue) => ({
      ...issue,
      message: `${issue.message}${lastWins}`,
      severity: 'warning' as const,
    })),
    ...collectionKeys,
  );
  if (collectionKeys.length > 0) return { value: undefined, locator, issues };
  try {
    return { value: document.toJS({ maxAliasCount: 100 }), locator, issues };
  } catch (error) {
    issues.push({ path: [], message: `cannot read the document: ${(error as Error).message}` });
    return { value: undefined, locator, issues };
  }
}
