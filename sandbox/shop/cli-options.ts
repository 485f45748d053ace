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
  host: { type: 'string' },
  port: { type: 'string' },
  'startup-delay-ms': { type: 'string' },
  shutdown: { type: 'string' },
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

export type ShutdownMode = 'graceful' | 'immediate';

// An IPv4 address to listen on: 127.0.0.1 on the host; 0.0.0.0 only inside a pod's own network namespace.
export function parseHostOption(raw: string | undefined, usage: string): string {
  if (raw === undefined) return '127.0.0.1';
  const octets = raw.split('.');
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255))
    failUsage(`--host must be an IPv4 address, got ${JSON.stringify(raw)}`, usage);
  return raw;
}

export function parseShutdownOption(raw: string | undefined, usage: string): ShutdownMode {
  if (raw === undefined || raw === 'graceful') return 'graceful';
  if (raw === 'immediate') return 'immediate';
  failUsage(`--shutdown must be graceful or immediate, got ${JSON.stringify(raw)}`, usage);
}

export function readServerOptions(values: Record<string, string | undefined>, usage: string) {
  return {
    host: parseHostOption(values.host, usage),
    port: parsePortOption(values.port, usage),
    startupDelayMs: parseIntegerOption('startup-delay-ms', values['startup-delay-ms'], 0, usage),
    shutdown: {
      mode: parseShutdownOption(values.shutdown, usage),
      drainDelayMs: parseIntegerOption('drain-delay-ms', values['drain-delay-ms'], 0, usage),
      shutdownTimeoutMs: parseIntegerOption(
        'shutdown-timeout-ms',
        values['shutdown-timeout-ms'],
        10_000,
        usage,
      ),
    },
  };
}
