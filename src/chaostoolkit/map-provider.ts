// One activity's provider, dispatched: http, process, or a Python function of a known extension
// (looked up in the catalogues). Anything else is another Python module, which Faultline cannot
// run. The arguments of a mapped function are checked against its signature, as Chaos Toolkit's
// validation does.
import type { PathSegment } from '../experiment/diagnostic.ts';
import { asRecord, type Json } from './chaostoolkit-shape.ts';
import { type MappedActivity, unmapped } from './mapped-activity.ts';
import { type ConvertContext, readFields } from './provider-fields.ts';
import type { CatalogueEntry } from './providers/catalogue-entry.ts';
import { chaosk8sCatalogue } from './providers/chaosk8s-catalogue.ts';
import { chaosk8sUnmapped } from './providers/chaosk8s-unmapped.ts';
import { chaosprometheusCatalogue } from './providers/chaosprometheus.ts';
import { chaostoxiCatalogue } from './providers/chaostoxi.ts';
import { mapHttpProvider } from './providers/http-provider.ts';
import { mapProcessProvider, programAs } from './providers/process-provider.ts';

export const catalogue: readonly CatalogueEntry[] = [
  ...chaosk8sCatalogue,
  ...chaosk8sUnmapped,
  ...chaostoxiCatalogue,
  ...chaosprometheusCatalogue,
];

const byName = new Map(catalogue.map((entry) => [`${entry.module}.${entry.func}`, entry]));

const extensions: Record<string, string> = {
  chaosk8s: 'chaostoolkit-kubernetes 0.39',
  chaostoxi: 'chaostoolkit-toxiproxy 0.3',
  chaosprometheus: 'chaostoolkit-prometheus 0.6',
};

function checkArguments(
  entry: CatalogueEntry,
  args: Json,
  path: PathSegment[],
  context: ConvertContext,
): boolean {
  const parameters = (entry.parameters ?? []).map((name) => name.replace(/!$/, ''));
  let fine = true;
  for (const name of Object.keys(args).filter((name) => !parameters.includes(name))) {
    const takes = parameters.length > 0 ? `it takes ${parameters.join(', ')}` : 'it takes none';
    context.reporter.error(
      [...path, name],
      `${entry.func} has no argument ${name} (${takes}); Chaos Toolkit refuses it too`,
      'key',
    );
    fine = false;
  }
  for (const name of (entry.parameters ?? [])
    .filter((name) => name.endsWith('!'))
    .map((name) => name.slice(0, -1))) {
    if (args[name] === undefined) {
      context.reporter.error(
        path,
        `${entry.func} needs the argument ${name}; Chaos Toolkit refuses it without`,
      );
      fine = false;
    }
  }
  return fine;
}

function mapPythonProvider(provider: Json, path: PathSegment[], context: ConvertContext): MappedActivity {
  const module = String(provider.module ?? '');
  const func = String(provider.func ?? '');
  const qualified = `${module}.${func}`;
  const entry = byName.get(qualified);
  const extension = extensions[module.split('.')[0] ?? ''];
  if (!entry) {
    return unmapped(
      extension
        ? `${qualified} is not a function of ${extension}`
        : `${qualified} is a function of another Python module (${module}): Faultline runs no Python code`,
    );
  }
  if (!entry.map) return unmapped(`${qualified} does not map: ${entry.why}`);
  const argumentsPath = [...path, 'arguments'];
  const args = asRecord(provider.arguments) ?? {};
  if (!checkArguments(entry, args, argumentsPath, context)) return unmapped('');
  if (provider.secrets !== undefined && module.startsWith('chaosk8s')) {
    context.reporter.warn(
      [...path, 'secrets'],
      'the secrets are not passed on: Faultline reaches Kubernetes through the kubeconfig (--kubeconfig, --context)',
    );
  }
  return entry.map({ fields: readFields(args, argumentsPath, context), context, providerPath: path });
}

// How messages name a provider: chaosk8s.pod.actions.terminate_pods, the http provider, ...
export function describeProvider(activity: Json): string {
  const provider = asRecord(activity.provider);
  if (provider?.type === 'python') return `${String(provider.module)}.${String(provider.func)}`;
  if (provider?.type === 'process')
    return typeof provider.path === 'string'
      ? `the process provider (${provider.path})`
      : 'the process provider';
  return provider?.type === 'http' ? 'the http provider' : 'the activity';
}

// `actionsAreFaults`: in the method, a process action is a command fault; elsewhere it is run as a probe.
export function mapProvider(
  activity: Json,
  path: PathSegment[],
  context: ConvertContext,
  actionsAreFaults: boolean,
): MappedActivity {
  const mapped = dispatch(activity, path, context, actionsAreFaults);
  if (mapped.as !== 'unmapped' || !mapped.reason) return mapped;
  const name = describeProvider(activity);
  return mapped.reason.startsWith(name) ? mapped : { ...mapped, reason: `${name}: ${mapped.reason}` };
}

function dispatch(
  activity: Json,
  path: PathSegment[],
  context: ConvertContext,
  actionsAreFaults: boolean,
): MappedActivity {
  const providerPath = [...path, 'provider'];
  const provider = asRecord(activity.provider);
  if (!provider) return unmapped('an activity needs a provider (Chaos Toolkit refuses it without)', path);
  switch (provider.type) {
    case 'http':
      return mapHttpProvider(provider, providerPath, context);
    case 'process': {
      const program = mapProcessProvider(provider, providerPath, context);
      return 'as' in program ? program : programAs(program, activity.type === 'action' && actionsAreFaults);
    }
    case 'python':
      return mapPythonProvider(provider, providerPath, context);
    default:
      return unmapped(
        `unknown provider type ${JSON.stringify(provider.type)} (Chaos Toolkit knows python, process and http)`,
        [...providerPath, 'type'],
      );
  }
}
