// The options several commands share, defined once: the same flag, help text, parsing and error
// message wherever it appears. A value that cannot be parsed is a usage error (exit 2) before the
// command starts.
import { InvalidArgumentError, Option } from 'commander';
import { tryParseDuration } from '../src/experiment/duration.ts';
import { variableNamePattern } from '../src/experiment/variables.ts';
import { maxSeed, parseSeed } from '../src/selection/seeded-random.ts';

export type ClusterFlags = { kubeconfig?: string; context?: string };
export type LedgerFlags = { ledger?: string };
export type VarFlags = { var?: Record<string, string> };

export function kubeconfigOption(): Option {
  return new Option(
    '--kubeconfig <file>',
    'kubeconfig file (default $KUBECONFIG, in-cluster, ~/.kube/config)',
  );
}

export function contextOption(): Option {
  return new Option('--context <name>', 'kubeconfig context');
}

export function ledgerOption(): Option {
  return new Option(
    '--ledger <file>',
    'the fault ledger file (default $FAULTLINE_LEDGER or ~/.local/state/faultline/ledger.jsonl)',
  );
}

export function varOption(): Option {
  return new Option(
    '--var <KEY=VALUE>',
    'set a variable (repeatable; overrides the environment and spec.configuration)',
  ).argParser(collectVar);
}

export function seedOption(): Option {
  return new Option('--seed <n>', 'the random seed of a previous plan or run, to replay its pick').argParser(
    readSeed,
  );
}

/** Parsed to milliseconds. */
export function revertTimeoutOption(): Option {
  return new Option('--revert-timeout <duration>', 'how long to keep retrying a revert before giving up')
    .argParser(readDuration)
    .default(60_000, '60s');
}

// --var KEY=VALUE, repeatable; the value may hold `=`; the last one for a key wins.
export function collectVar(text: string, vars: Record<string, string> = {}): Record<string, string> {
  const separator = text.indexOf('=');
  const key = separator < 0 ? '' : text.slice(0, separator);
  if (!variableNamePattern.test(key)) {
    throw new InvalidArgumentError(
      `expected KEY=VALUE with KEY of letters, digits and _, found ${JSON.stringify(text)}`,
    );
  }
  return { ...vars, [key]: text.slice(separator + 1) };
}

export function readSeed(text: string): number {
  const seed = parseSeed(text);
  if (seed === undefined)
    throw new InvalidArgumentError(`expected an integer from 0 to ${maxSeed}, found ${JSON.stringify(text)}`);
  return seed;
}

export function readDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined)
    throw new InvalidArgumentError(`expected a duration such as 30s or 2m, found ${JSON.stringify(text)}`);
  return ms;
}
