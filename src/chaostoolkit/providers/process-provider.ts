// Chaos Toolkit's `process` provider (chaoslib.provider.process): a program found on PATH. Its
// arguments as one string run through the shell (`/bin/sh -c "path arguments"`); as a list, each
// item is one argument (None and "" dropped); as a mapping, its keys and values in turn. Only the
// arguments are substituted, never the path. Its value is {status, stdout, stderr}.
import type { PathSegment } from '../../experiment/diagnostic.ts';
import type { Json } from '../chaostoolkit-shape.ts';
import { literalText, rewriteText } from '../chaostoolkit-template.ts';
import { pythonText } from '../chaostoolkit-variables.ts';
import { type MappedFault, type MappedProbe, type Unmapped, unmapped } from '../mapped-activity.ts';
import { type ConvertContext, readFields } from '../provider-fields.ts';

export type Program = { run: string[]; timeout?: string; seconds?: number; comments: string[] };

// An en or em dash where an option's "-" is meant (a word processor's doing): the program gets it as is.
const typographicDash = /(^|\s)[\u2012-\u2015]/;

function argumentList(value: unknown, path: PathSegment[], context: ConvertContext): string[] | undefined {
  const pairs = Array.isArray(value)
    ? value.map((item, index) => [item, [...path, index]] as const)
    : typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([key, item]) => [
          [key, path] as const,
          [item, [...path, key]] as const,
        ])
      : undefined;
  if (!pairs) return undefined;
  return pairs
    .filter(([item]) => item !== null && item !== '')
    .map(([item, at]) => rewriteText(pythonText(item) ?? JSON.stringify(item), at as PathSegment[], context));
}

export function mapProcessProvider(
  provider: Json,
  path: PathSegment[],
  context: ConvertContext,
): Program | Unmapped {
  const fields = readFields(provider, path, context);
  if (typeof provider.path !== 'string' || provider.path === '')
    return unmapped('a process provider needs a path', path);
  const program = literalText(provider.path);
  const comments: string[] = [];
  const written = provider.arguments;
  let run: string[];
  if (written === undefined || written === null) {
    run = [program];
  } else if (typeof written === 'string') {
    run = ['sh', '-c', `${program} ${rewriteText(written, fields.at('arguments'), context)}`];
  } else {
    const list = argumentList(written, fields.at('arguments'), context);
    if (!list) return unmapped('arguments must be a string, a list or a mapping', fields.at('arguments'));
    run = [program, ...list];
  }
  const text = typeof written === 'string' ? written : JSON.stringify(written ?? '');
  if (typographicDash.test(text)) {
    context.reporter.warn(
      fields.at('arguments'),
      'an argument starts with a typographic dash (– or —), not "-": the program receives it as written',
    );
  }
  const timeout = fields.seconds('timeout');
  const seconds = typeof provider.timeout === 'number' ? provider.timeout : undefined;
  return { run, comments, ...(timeout ? { timeout } : {}), ...(seconds !== undefined ? { seconds } : {}) };
}

// In the method an action is a command fault (the program is the fault while it runs); anywhere
// else the program runs as a command probe.
export function programAs(program: Program, fault: boolean): MappedFault | MappedProbe {
  if (fault) {
    return {
      as: 'fault',
      body: { command: { run: program.run } },
      lasting: true,
      undoKeys: [],
      comments: program.comments,
      ...(program.seconds !== undefined ? { maxSeconds: program.seconds } : {}),
    };
  }
  const command = { run: program.run, ...(program.timeout ? { timeout: program.timeout } : {}) };
  return { as: 'probe', body: { command }, value: { kind: 'process' }, comments: program.comments };
}
