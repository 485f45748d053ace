import { InvalidArgumentError } from 'commander';

// Commander collector for repeatable --var KEY=VALUE.
export function collectVar(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
  if (!match?.[1]) throw new InvalidArgumentError(`expected KEY=VALUE, found ${JSON.stringify(text)}`);
  return { ...previous, [match[1]]: match[2] ?? '' };
}
