// chaostoolkit-prometheus 0.6 (module chaosprometheus): `query` is an instant query, which a
// Faultline prometheus probe sends too; `query_interval` a range query from "N units ago" to "now",
// which becomes a PromQL subquery over that range where its tolerance can be written so. The
// server is the configuration's prometheus_base_url (default http://localhost:9090).
import { describeValue } from '../../experiment/describe-schema.ts';
import { formatDuration } from '../../experiment/duration.ts';
import { rewriteText } from '../chaostoolkit-template.ts';
import { type MappedActivity, unmapped } from '../mapped-activity.ts';
import { type CatalogueEntry, doNotMap, mapsTo, type PythonCall } from './catalogue-entry.ts';

const units: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

function prometheus(call: PythonCall): Record<string, unknown> {
  const { context, providerPath, fields } = call;
  const url =
    context.variables.get('prometheus_base_url') !== undefined
      ? rewriteText('${prometheus_base_url}', providerPath, context)
      : 'http://localhost:9090';
  return { url, query: fields.text('query') ?? '' };
}

function probe(call: PythonCall, body: Record<string, unknown>, range?: string): MappedActivity {
  const timeout = call.fields.seconds('timeout');
  return {
    as: 'probe',
    body: { prometheus: body, ...(timeout ? { timeout } : {}) },
    value: { kind: 'prometheus', ...(range ? { range } : {}) },
    comments: [],
  };
}

function query(call: PythonCall): MappedActivity {
  const when = call.fields.has('when')
    ? call.fields.known('when', 'it is the time the query is evaluated at')
    : 'now';
  if (when !== 'now') {
    return when === undefined
      ? unmapped('')
      : unmapped(`Faultline evaluates a query now, not at ${describeValue(when)}`, call.fields.at('when'));
  }
  return probe(call, prometheus(call));
}

// "30 seconds ago" (as dateparser reads it) in seconds.
function secondsAgo(text: unknown): number | undefined {
  const match =
    typeof text === 'string'
      ? /^\s*(\d+(?:\.\d+)?)\s*(second|minute|hour|day)s?\s+ago\s*$/i.exec(text)
      : null;
  return match ? Number(match[1]) * (units[(match[2] as string).toLowerCase()] as number) : undefined;
}

function queryInterval(call: PythonCall): MappedActivity {
  const { fields } = call;
  const start = secondsAgo(fields.known('start', 'it is the start of the range'));
  const end = fields.known('end', 'it is the end of the range');
  if (start === undefined || start <= 0) {
    return unmapped(
      'Faultline imports a range that starts "N seconds (minutes, hours, days) ago"',
      fields.at('start'),
    );
  }
  if (end !== 'now') return unmapped('Faultline imports a range that ends "now"', fields.at('end'));
  const step = fields.has('step') ? Number(fields.known('step', 'it is the resolution of the range')) : 1;
  if (!(step > 0))
    return unmapped(
      `step must be a number of seconds above 0, found ${describeValue(fields.raw.step)}`,
      fields.at('step'),
    );
  return probe(call, prometheus(call), `${formatDuration(start * 1000)}:${formatDuration(step * 1000)}`);
}

const options = ['timeout', 'verify_tls'];

export const chaosprometheusCatalogue: CatalogueEntry[] = [
  mapsTo(
    'chaosprometheus.probes',
    'query',
    'probe',
    ['query!', 'when', ...options],
    'prometheus probe (instant query)',
    query,
  ),
  mapsTo(
    'chaosprometheus.probes',
    'query_interval',
    'probe',
    ['query!', 'start!', 'end!', 'step', ...options],
    'prometheus probe over a subquery: max_over_time((abs((QUERY) - N))[RANGE:STEP]) equals 0, for the tolerance "every sample equals N"',
    queryInterval,
  ),
  ...doNotMap(
    'chaosprometheus.probes',
    'probe',
    "it averages the first series' samples of a range query with a step of its own; write the PromQL (avg_over_time) as a Faultline prometheus probe",
    ['compute_mean', 'nodes_cpu_usage_mean'],
  ),
  ...doNotMap(
    'chaosprometheus.metrics',
    'action',
    'it is a control (it pushes run metrics to a Pushgateway); controls are not imported',
    ['configure_control', 'before_experiment_control', 'after_experiment_control'],
  ),
];
