// The daemon's log: one JSON object per line (time, level, message, fields), for `kubectl logs`
// and log shippers alike. Everything goes through `redact`, so no secret value is ever printed.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined>;
export type Log = (level: LogLevel, message: string, fields?: LogFields) => void;

export function createJsonLog(options: {
  write: (line: string) => void;
  redact: (text: string) => string;
  now?: () => number;
  /** Lines below this level are dropped (default info). */
  level?: LogLevel;
}): Log {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const minimum = order.indexOf(options.level ?? 'info');
  const now = options.now ?? Date.now;
  return (level, message, fields = {}) => {
    if (order.indexOf(level) < minimum) return;
    const line = JSON.stringify({ time: new Date(now()).toISOString(), level, message, ...fields });
    options.write(`${options.redact(line)}\n`);
  };
}
