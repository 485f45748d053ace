// A pure parser for Kubernetes label selectors, with the grammar and validation rules of
// k8s.io/apimachinery/pkg/labels: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
// `a>1`, `a<1`, comma-separated, whitespace between tokens ignored.

export type Requirement =
  | { key: string; operator: 'exists' | 'doesNotExist' }
  | { key: string; operator: 'equals' | 'notEquals'; value: string }
  | { key: string; operator: 'in' | 'notIn'; values: string[] }
  | { key: string; operator: 'greaterThan' | 'lessThan'; value: number };

// An empty list of requirements selects everything, as in Kubernetes.
export type LabelSelector = { requirements: Requirement[] };

export type SelectorError = { column: number; message: string };

export type ParseSelectorResult = { ok: true; selector: LabelSelector } | { ok: false; error: SelectorError };

type Token = {
  kind: 'identifier' | 'in' | 'notin' | '!' | '=' | '==' | '!=' | '>' | '<' | ',' | '(' | ')' | 'end';
  text: string;
  column: number;
};

class SelectorSyntaxError extends Error {
  readonly column: number;
  constructor(column: number, message: string) {
    super(message);
    this.column = column;
  }
}

const specialCharacters = new Set([' ', '\t', '\n', '\r', '!', '=', ',', '(', ')', '<', '>']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    const column = index + 1;
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const pair = text.slice(index, index + 2);
    if (pair === '==' || pair === '!=') {
      tokens.push({ kind: pair, text: pair, column });
      index += 2;
    } else if (specialCharacters.has(char)) {
      tokens.push({ kind: char as Token['kind'], text: char, column });
      index += 1;
    } else {
      let end = index;
      while (
        end < text.length &&
        !specialCharacters.has(text[end] as string) &&
        !/\s/.test(text[end] as string)
      ) {
        end += 1;
      }
      const word = text.slice(index, end);
      const kind = word === 'in' || word === 'notin' ? word : 'identifier';
      tokens.push({ kind, text: word, column });
      index = end;
    }
  }
  tokens.push({ kind: 'end', text: '', column: text.length + 1 });
  return tokens;
}

const namePattern = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dnsSubdomainPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const nameRule = 'alphanumerics, "-", "_" or "." and must start and end with an alphanumeric';

// A qualified name: an optional DNS-subdomain prefix and "/", then a name of at most 63
// characters. Returns what is wrong, or undefined.
export function checkLabelKey(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'at most one "/" is allowed';
  const name = parts.length === 2 ? (parts[1] as string) : key;
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (prefix.length === 0) return 'the prefix before "/" is empty';
    if (prefix.length > 253) return 'the prefix is longer than 253 characters';
    if (!dnsSubdomainPattern.test(prefix)) {
      return 'the prefix must be a DNS subdomain (lower-case alphanumerics, "-" and ".")';
    }
  }
  if (name.length === 0) return 'the name is empty';
  if (name.length > 63) return 'the name is longer than 63 characters';
  if (!namePattern.test(name)) return `the name must consist of ${nameRule}`;
  return undefined;
}

export function checkLabelValue(value: string): string | undefined {
  if (value.length > 63) return 'longer than 63 characters';
  if (value.length > 0 && !namePattern.test(value)) return `must be empty or consist of ${nameRule}`;
  return undefined;
}

function describeToken(token: Token): string {
  return token.kind === 'end' ? 'the end' : `"${token.text}"`;
}

class Parser {
  readonly tokens: Token[];
  position = 0;
  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  peek(): Token {
    return this.tokens[this.position] as Token;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position += 1;
    return token;
  }

  fail(token: Token, expected: string): never {
    throw new SelectorSyntaxError(
      token.column,
      `expected ${expected} at column ${token.column}, found ${describeToken(token)}`,
    );
  }

  parseSelector(): LabelSelector {
    const requirements: Requirement[] = [];
    if (this.peek().kind === 'end') return { requirements };
    for (;;) {
      requirements.push(this.parseRequirement());
      const token = this.next();
      if (token.kind === 'end') return { requirements };
      if (token.kind !== ',') this.fail(token, '"," or the end of the selector');
    }
  }

  parseKey(): string {
    const token = this.next();
    if (token.kind !== 'identifier') this.fail(token, 'a label key');
    const problem = checkLabelKey(token.text);
    if (problem) {
      throw new SelectorSyntaxError(
        token.column,
        `invalid label key "${token.text}" at column ${token.column}: ${problem}`,
      );
    }
    return token.text;
  }

  // Inside values, "in" and "notin" are ordinary words (as in Kubernetes); a missing value is "".
  parseValue(emptyBefore: Token['kind'][]): string {
    const token = this.peek();
    if (token.kind !== 'identifier' && token.kind !== 'in' && token.kind !== 'notin') {
      if (emptyBefore.includes(token.kind)) return '';
      this.fail(token, 'a label value');
    }
    this.next();
    const problem = checkLabelValue(token.text);
    if (problem) {
      throw new SelectorSyntaxError(
        token.column,
        `invalid label value "${token.text}" at column ${token.column}: ${problem}`,
      );
    }
    return token.text;
  }

  parseRequirement(): Requirement {
    if (this.peek().kind === '!') {
      this.next();
      const key = this.parseKey();
      const after = this.peek();
      if (after.kind !== ',' && after.kind !== 'end')
        this.fail(after, '"," or the end of the selector after "!key"');
      return { key, operator: 'doesNotExist' };
    }
    const key = this.parseKey();
    const operator = this.peek();
    if (operator.kind === ',' || operator.kind === 'end') return { key, operator: 'exists' };
    this.next();
    switch (operator.kind) {
      case '=':
      case '==':
        return { key, operator: 'equals', value: this.parseValue([',', 'end']) };
      case '!=':
        return { key, operator: 'notEquals', value: this.parseValue([',', 'end']) };
      case 'in':
      case 'notin':
        return {
          key,
          operator: operator.kind === 'in' ? 'in' : 'notIn',
          values: this.parseValueSet(operator),
        };
      case '>':
      case '<':
        return {
          key,
          operator: operator.kind === '>' ? 'greaterThan' : 'lessThan',
          value: this.parseInteger(),
        };
      default:
        return this.fail(
          operator,
          'an operator (=, ==, !=, in, notin, >, <), "," or the end of the selector',
        );
    }
  }

  // `(a,b)`; like Kubernetes, `()` and empty entries stand for the empty value.
  parseValueSet(operator: Token): string[] {
    const open = this.next();
    if (open.kind !== '(') this.fail(open, `"(" after "${operator.text}"`);
    const values: string[] = [];
    for (;;) {
      values.push(this.parseValue([',', ')']));
      const token = this.next();
      if (token.kind === ')') return values;
      if (token.kind !== ',') this.fail(token, '"," or ")" in the value list');
    }
  }

  parseInteger(): number {
    const token = this.next();
    if (token.kind !== 'identifier' || !/^-?[0-9]+$/.test(token.text)) this.fail(token, 'an integer');
    return Number(token.text);
  }
}

export function parseLabelSelector(text: string): ParseSelectorResult {
  try {
    return { ok: true, selector: new Parser(tokenize(text)).parseSelector() };
  } catch (error) {
    if (error instanceof SelectorSyntaxError)
      return { ok: false, error: { column: error.column, message: error.message } };
    throw error;
  }
}

export function matchesLabels(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return selector.requirements.every((requirement) => matchesRequirement(requirement, labels));
}

function matchesRequirement(requirement: Requirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  const value = has ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case 'exists':
      return has;
    case 'doesNotExist':
      return !has;
    case 'equals':
      return value === requirement.value;
    case 'notEquals':
      return value !== requirement.value;
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case 'notIn':
      return value === undefined || !requirement.values.includes(value);
    case 'greaterThan':
    case 'lessThan': {
      if (value === undefined || !/^-?[0-9]+$/.test(value)) return false;
      const number = Number(value);
      return requirement.operator === 'greaterThan' ? number > requirement.value : number < requirement.value;
    }
  }
}

function formatRequirement(requirement: Requirement): string {
  switch (requirement.operator) {
    case 'exists':
      return requirement.key;
    case 'doesNotExist':
      return `!${requirement.key}`;
    case 'equals':
      return `${requirement.key}=${requirement.value}`;
    case 'notEquals':
      return `${requirement.key}!=${requirement.value}`;
    case 'in':
    case 'notIn': {
      const values = [...new Set(requirement.values)].sort();
      return `${requirement.key} ${requirement.operator === 'in' ? 'in' : 'notin'} (${values.join(',')})`;
    }
    case 'greaterThan':
      return `${requirement.key}>${requirement.value}`;
    case 'lessThan':
      return `${requirement.key}<${requirement.value}`;
  }
}

// The canonical form the API server accepts: requirements sorted by key, set values sorted and
// deduplicated, `==` written as `=`.
export function formatSelector(selector: LabelSelector): string {
  return [...selector.requirements]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(formatRequirement)
    .join(',');
}
