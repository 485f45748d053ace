// The game-day format (`kind: Schedule`): the single source of its TypeScript types and of the
// published JSON Schema (schema/schedule.schema.json), plus the rules a JSON Schema cannot express
// (checkScheduleSemantics): valid cron expressions and time zones, real dates, windows that end
// after they start, unique entry names, a lease of whole seconds.
import { type Static, Type } from '@sinclair/typebox';
import { validateDetailed } from 'node-cron';
import { describeValue, isPlainObject } from './describe-schema.ts';
import type { Issue, PathSegment } from './diagnostic.ts';
import { didYouMean } from './did-you-mean.ts';
import { tryParseDuration } from './duration.ts';
import { apiVersion, Duration, Metadata, Name, Secret, VariableName } from './schema.ts';

const strict = { additionalProperties: false } as const;

// The experiment format's Duration, with a description of what this one is for.
const durationWith = (description: string) =>
  Type.String({ pattern: Duration.pattern, 'x-expected': Duration['x-expected'], description });

export const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const dayPattern = `(${weekdays.join('|')})`;

const Day = Type.String({
  pattern: `^${dayPattern}(-${dayPattern})?$`,
  description: 'A day of the week (mon ... sun) or a range of days such as mon-fri (sat-sun wraps).',
  'x-expected': 'a day (mon, tue, wed, thu, fri, sat or sun) or a range such as mon-fri',
});

const TimeOfDay = Type.String({
  pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$',
  description: 'A wall-clock time in the schedule time zone, HH:MM (24:00 is the end of the day).',
  'x-expected': 'a time of day HH:MM between 00:00 and 24:00',
});

const IsoDate = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'A calendar day in the schedule time zone, YYYY-MM-DD.',
  'x-expected': 'a date YYYY-MM-DD',
});

export const ScheduleWindow = Type.Object(
  {
    days: Type.Array(Day, { minItems: 1 }),
    from: TimeOfDay,
    to: TimeOfDay,
  },
  {
    ...strict,
    description: 'Fires are allowed on these days from `from` (inclusive) to `to` (exclusive), local time.',
  },
);

export const ScheduleEntry = Type.Object(
  {
    name: Name,
    experiment: Type.String({
      minLength: 1,
      description: 'The experiment file, relative to this schedule file.',
    }),
    cron: Type.String({
      minLength: 1,
      description:
        "node-cron syntax: [second] minute hour day-of-month month day-of-week, in the schedule's time zone.",
      'x-expected': 'a cron expression such as "0 10 * * mon-fri"',
    }),
    vars: Type.Optional(
      Type.Record(VariableName, Type.String(), {
        ...strict,
        description: "Variables for this experiment (like --var): they override the experiment's own.",
      }),
    ),
  },
  strict,
);

const Webhook = Type.Object(
  {
    url: Type.String({ minLength: 1, description: 'Receives a Slack-compatible JSON POST per run end.' }),
  },
  strict,
);

export const ScheduleSpec = Type.Object(
  {
    description: Type.Optional(Type.String()),
    timezone: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The IANA time zone of cron expressions, windows and blackouts (default UTC).',
      }),
    ),
    entries: Type.Array(ScheduleEntry, { minItems: 1 }),
    windows: Type.Optional(
      Type.Array(ScheduleWindow, {
        description: 'When fires are allowed (any window); without windows, at any time.',
      }),
    ),
    blackouts: Type.Optional(Type.Array(IsoDate, { description: 'Days on which nothing fires.' })),
    jitter: Type.Optional(
      durationWith(
        'Each allowed fire starts after a random delay of up to this much (node-cron maxRandomDelay); ' +
          'windows and blackouts apply to the scheduled time, so a run may start up to `jitter` after a window closes.',
      ),
    ),
    concurrency: Type.Optional(
      Type.Literal('skip', {
        description: 'A fire while a run (of any entry) is still going is skipped: runs never overlap.',
      }),
    ),
    notifications: Type.Optional(Type.Object({ webhooks: Type.Array(Webhook, { minItems: 1 }) }, strict)),
    lease: Type.Optional(
      Type.Object(
        {
          name: Name,
          namespace: Name,
          duration: Type.Optional(
            durationWith('How long a holder keeps the Lease without renewing it (default 15s).'),
          ),
        },
        {
          ...strict,
          description:
            'Leader election with a coordination.k8s.io/v1 Lease: of several daemons, only the holder fires.',
        },
      ),
    ),
    configuration: Type.Optional(
      Type.Record(VariableName, Type.String(), {
        ...strict,
        description: 'Default values for variable substitution in this file.',
      }),
    ),
    secrets: Type.Optional(
      Type.Record(VariableName, Secret, {
        ...strict,
        description:
          'Variables read from an environment variable or a file; never printed (e.g. webhook URLs).',
      }),
    ),
  },
  strict,
);

export const ScheduleSchema = Type.Object(
  {
    apiVersion: Type.Literal(apiVersion),
    kind: Type.Literal('Schedule'),
    metadata: Metadata,
    spec: ScheduleSpec,
  },
  { ...strict, $id: 'https://faultline.dev/schemas/v1alpha1/schedule.json', title: 'Faultline Schedule' },
);

export type Schedule = Static<typeof ScheduleSchema>;
export type ScheduleEntrySpec = Static<typeof ScheduleEntry>;
export type ScheduleWindowSpec = Static<typeof ScheduleWindow>;
export type Weekday = (typeof weekdays)[number];

export const defaultLeaseDuration = '15s';

function listAt(parent: unknown, key: string): unknown[] {
  return isPlainObject(parent) && Array.isArray(parent[key]) ? parent[key] : [];
}

function checkUniqueEntryNames(entries: unknown[]): Issue[] {
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  entries.forEach((entry, index) => {
    if (!isPlainObject(entry) || typeof entry.name !== 'string') return;
    const first = seen.get(entry.name);
    if (first === undefined) {
      seen.set(entry.name, index);
      return;
    }
    const found = JSON.stringify(entry.name);
    issues.push({
      path: ['spec', 'entries', index, 'name'],
      message: `duplicate name ${found}; spec.entries[${first}] already has it`,
      expected: 'a name not used by another entry',
      found,
    });
  });
  return issues;
}

// node-cron's own per-field diagnosis, so that what validates here is exactly what the daemon runs.
function checkCron(entry: unknown, path: PathSegment[]): Issue[] {
  if (!isPlainObject(entry) || typeof entry.cron !== 'string') return [];
  const result = validateDetailed(entry.cron);
  if (result.valid) return [];
  const found = describeValue(entry.cron);
  const reasons = result.errors.map((error) => `${error.field}: ${error.message}`).join('; ');
  return [
    {
      path: [...path, 'cron'],
      message: `invalid cron expression ${found}: ${reasons}`,
      expected: 'a cron expression: [second] minute hour day-of-month month day-of-week',
      found,
    },
  ];
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function checkTimeZone(spec: Record<string, unknown>): Issue[] {
  if (typeof spec.timezone !== 'string' || isTimeZone(spec.timezone)) return [];
  const found = describeValue(spec.timezone);
  const suggestion = didYouMean(spec.timezone, Intl.supportedValuesOf('timeZone'));
  const hint = suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
  return [
    {
      path: ['spec', 'timezone'],
      message: `unknown time zone ${found}${hint}`,
      expected: 'an IANA time zone such as Europe/Berlin or UTC',
      found,
    },
  ];
}

function minutesOf(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

function checkWindow(window: unknown, path: PathSegment[]): Issue[] {
  if (!isPlainObject(window)) return [];
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from === undefined || to === undefined || to > from) return [];
  const found = `from ${window.from} to ${window.to}`;
  return [
    {
      path: [...path, 'to'],
      message: `the window ends before it starts (${found}); split a window across midnight into two`,
      expected: `a time after ${window.from}`,
      found: describeValue(window.to),
    },
  ];
}

function checkBlackout(date: unknown, path: PathSegment[]): Issue[] {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return [];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  if (parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day) return [];
  const found = describeValue(date);
  return [{ path, message: `no such date ${found}`, expected: 'a calendar date YYYY-MM-DD', found }];
}

function checkLeaseDuration(lease: unknown): Issue[] {
  if (!isPlainObject(lease) || typeof lease.duration !== 'string') return [];
  const ms = tryParseDuration(lease.duration);
  if (ms === undefined || (ms % 1000 === 0 && ms >= 3000)) return [];
  const found = describeValue(lease.duration);
  return [
    {
      path: ['spec', 'lease', 'duration'],
      message: `expected a whole number of seconds of at least 3s (a Lease counts in seconds), found ${found}`,
      expected: 'a whole number of seconds of at least 3s',
      found,
    },
  ];
}

function checkWebhook(webhook: unknown, path: PathSegment[]): Issue[] {
  if (!isPlainObject(webhook) || typeof webhook.url !== 'string') return [];
  let protocol: string | undefined;
  try {
    protocol = new URL(webhook.url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol === 'http:' || protocol === 'https:') return [];
  const found = describeValue(webhook.url);
  return [
    {
      path: [...path, 'url'],
      message: `expected an http or https URL, found ${found}`,
      expected: 'an http or https URL',
      found,
    },
  ];
}

// Runs on values the schema may have rejected (so that every problem shows at once): every access is guarded.
export function checkScheduleSemantics(document: unknown): Issue[] {
  if (!isPlainObject(document) || !isPlainObject(document.spec)) return [];
  const spec = document.spec;
  const entries = listAt(spec, 'entries');
  return [
    ...checkUniqueEntryNames(entries),
    ...entries.flatMap((entry, index) => checkCron(entry, ['spec', 'entries', index])),
    ...checkTimeZone(spec),
    ...listAt(spec, 'windows').flatMap((window, index) => checkWindow(window, ['spec', 'windows', index])),
    ...listAt(spec, 'blackouts').flatMap((date, index) => checkBlackout(date, ['spec', 'blackouts', index])),
    ...checkLeaseDuration(spec.lease),
    ...listAt(spec.notifications, 'webhooks').flatMap((webhook, index) =>
      checkWebhook(webhook, ['spec', 'notifications', 'webhooks', index]),
    ),
  ];
}
