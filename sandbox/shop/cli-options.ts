import { parseArgs } from 'node:util';

// Invalid flags exit 2, like Faultline's own "invalid input" exit code.
export function failUsage(message: string, usage: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

export function parseIntegerOption(
  name: string,
  raw: string | undefined,
  fallback: number | undefined,
  usage: string,
  range: { min: number; max: number } = { min: 0, max: Number.MAX_SAFE_INTEGER },
): number {
  if (raw === undefined) {
    if (fallback === undefined) failUsage(`--${name} is required`, usage);
    return fallback;
  }
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < range.min || value > range.max) {
    failUsage(
      `--${name} must be an integer from ${range.min} to ${range.max}, got ${JSON.stringify(raw)}`,
      usage,
    );
  }
  return value;
}

export function parsePortOption(raw: string | undefined, usage: string): number {
  return parseIntegerOption('port', raw, undefined, usage, { min: 0, max: 65535 });
}

export function parseUrlOption(name: string, raw: string | undefined, usage: string): URL {
  if (raw === undefined) failUsage(`--${name} is required`, usage);
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url;
  } catch {
    failUsage(`--${name} must be an http(s) URL, got ${JSON.stringify(raw)}`, usage);
  }
}

type StringOptions = Record<string, { type: 'string' }>;

// Flags every shop service takes: where it listens and how it shuts down.
export const serverOptions = {
  port: { type: 'string' },
  'drain-delay-ms': { type: 'string' },
  'shutdown-timeout-ms': { type: 'string' },
} as const satisfies StringOptions;

// Parses argv against string flags; an unknown or malformed flag is a usage error.
export function readArgs(options: StringOptions, usage: string): Record<string, string | undefined> {
  try {
    return parseArgs({ options }).values as Record<string, string | undefined>;
  } catch (error) {
    failUsage(String(error instanceof Error ? error.message : error), usage);
  }
}

export function readServerOptions(values: Record<string, string | undefined>, usage: string) {
  return {
    port: parsePortOption(values.port, usage),
    drainDelayMs: parseIntegerOption('drain-delay-ms', values['drain-delay-ms'], 0, usage),
    shutdownTimeoutMs: parseIntegerOption(
      'shutdown-timeout-ms',
      values['shutdown-timeout-ms'],
      10_000,
      usage,
    ),
  };
}
