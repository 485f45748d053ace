// chaostoolkit-toxiproxy 0.3 (module chaostoxi): toxics become toxiproxy faults, a disabled proxy a
// partition; deleting the toxic, enabling the proxy or a reset is their revert, which Faultline
// does itself. The Toxiproxy address is the configuration's toxiproxy_url, or
// http://{toxiproxy_host}:{toxiproxy_port, default 8474}.
import { describeValue } from '../../experiment/describe-schema.ts';
import { toxicTypes } from '../../experiment/schema.ts';
import { rewriteText } from '../chaostoolkit-template.ts';
import { type MappedActivity, unmapped } from '../mapped-activity.ts';
import { type CatalogueEntry, doNotMap, helper, mapsTo, type PythonCall } from './catalogue-entry.ts';

function toxiproxyUrl({ context, providerPath }: PythonCall): string | undefined {
  const has = (name: string) => context.variables.get(name) !== undefined;
  if (has('toxiproxy_url')) return rewriteText('${toxiproxy_url}', providerPath, context);
  if (!has('toxiproxy_host')) return undefined;
  const port = has('toxiproxy_port') ? '${toxiproxy_port}' : '8474';
  return rewriteText(`http://\${toxiproxy_host}:${port}`, providerPath, context);
}

const noAddress = (call: PythonCall) =>
  unmapped(
    'Chaos Toolkit reads the Toxiproxy address from the configuration (toxiproxy_url, or toxiproxy_host and toxiproxy_port), and neither is set',
    call.providerPath,
  );

const proxyKey = (kind: string, proxy: string) => `${kind}:${proxy}`;

function toxic(type: string, attributes: Record<string, string>) {
  return (call: PythonCall): MappedActivity => {
    const { fields } = call;
    const url = toxiproxyUrl(call);
    if (!url) return noAddress(call);
    const proxy = fields.text('for_proxy') ?? '';
    const toxiproxy: Record<string, unknown> = { url, proxy, toxic: type };
    const values = Object.entries(attributes)
      .filter(([argument]) => fields.has(argument))
      .map(([argument, attribute]) => [attribute, fields.value(argument)]);
    if (values.length > 0) toxiproxy.attributes = Object.fromEntries(values);
    return {
      as: 'fault',
      body: { toxiproxy },
      lasting: true,
      undoKeys: [
        proxyKey('toxic', `${proxy}/${fields.text('toxic_name')}`),
        'toxiproxy',
        proxyKey('proxy', proxy),
      ],
      comments: [],
    };
  };
}

function createToxic(call: PythonCall): MappedActivity {
  const { fields } = call;
  const type = fields.known('toxic_type', 'it is the kind of toxic');
  if (typeof type !== 'string' || !(toxicTypes as readonly string[]).includes(type)) {
    return type === undefined
      ? unmapped('')
      : unmapped(`Toxiproxy has no toxic ${describeValue(type)}`, fields.at('toxic_type'));
  }
  const attributes = fields.value('attributes');
  const mapped = toxic(type, {})(call);
  if (mapped.as !== 'fault') return mapped;
  const toxiproxy = mapped.body.toxiproxy as Record<string, unknown>;
  if (attributes !== undefined) toxiproxy.attributes = attributes;
  const stream = fields.has('stream')
    ? fields.known('stream', 'it is the direction of the toxic')
    : 'downstream';
  if (stream !== 'downstream' && stream !== 'upstream')
    return unmapped(
      `stream must be upstream or downstream, found ${describeValue(stream)}`,
      fields.at('stream'),
    );
  toxiproxy.stream = stream;
  if (fields.has('toxicity')) toxiproxy.toxicity = fields.value('toxicity');
  return mapped;
}

function proxyEnabled(enabled: boolean) {
  return (call: PythonCall): MappedActivity => {
    const url = toxiproxyUrl(call);
    if (!url) return noAddress(call);
    const proxy = call.fields.text('proxy_name') ?? '';
    if (!enabled) {
      return {
        as: 'fault',
        body: { partition: { url, proxy } },
        lasting: true,
        undoKeys: [proxyKey('disabled', proxy), 'toxiproxy', proxyKey('proxy', proxy)],
        comments: [],
      };
    }
    return { as: 'undo', undoes: [proxyKey('disabled', proxy)] };
  };
}

function modifyProxy(call: PythonCall): MappedActivity {
  const { fields } = call;
  if (fields.has('listen_address') || fields.has('upstream_address') || !fields.has('enabled')) {
    return unmapped(
      "changes a proxy's addresses; Faultline only disables a proxy (a partition)",
      call.providerPath,
    );
  }
  const enabled = fields.flag('enabled', true, 'it says whether the proxy is disabled');
  return enabled === undefined ? unmapped('') : proxyEnabled(enabled)(call);
}

// "env:NAME" reads the environment variable NAME when the action runs.
function address(
  call: PythonCall,
  host: string,
  port: string,
  fallbackHost?: string,
  fallbackPort?: string,
): string {
  const part = (name: string, fallback?: string) => {
    const value = call.fields.raw[name];
    if (typeof value === 'string' && value.startsWith('env:')) return `\${${value.slice(4)}}`;
    return call.fields.text(name) ?? fallback ?? '';
  };
  return `${part(host, fallbackHost)}:${part(port, fallbackPort)}`;
}

function createProxy(call: PythonCall): MappedActivity {
  if (call.fields.flag('enabled', true, 'a disabled proxy is a partition from the start') === false) {
    return unmapped(
      'creates a disabled proxy; Faultline creates a proxy only for a fault that uses it',
      call.fields.at('enabled'),
    );
  }
  return {
    as: 'proxy-setup',
    proxy: call.fields.text('proxy_name') ?? '',
    listen: address(call, 'listen_host', 'listen_port', '0.0.0.0', '0'),
    upstream: address(call, 'upstream_host', 'upstream_port'),
  };
}

function proxyExists(call: PythonCall): MappedActivity {
  const url = toxiproxyUrl(call);
  if (!url) return noAddress(call);
  const proxy = call.fields.text('proxy_name') ?? '';
  return {
    as: 'probe',
    body: { http: { url: `${url}/proxies/${proxy}` } },
    value: { kind: 'check', holds: { status: 200 }, fails: { status: 404 } },
    comments: [],
  };
}

const toxicArguments = ['for_proxy!', 'toxic_name!'];

export const chaostoxiCatalogue: CatalogueEntry[] = [
  mapsTo(
    'chaostoxi.toxic.actions',
    'create_toxic',
    'action',
    [...toxicArguments, 'toxic_type!', 'stream', 'toxicity', 'attributes'],
    'toxiproxy (any toxic)',
    createToxic,
  ),
  mapsTo(
    'chaostoxi.toxic.actions',
    'create_latency_toxic',
    'action',
    [...toxicArguments, 'latency!', 'jitter'],
    'toxiproxy: latency',
    toxic('latency', { latency: 'latency', jitter: 'jitter' }),
  ),
  mapsTo(
    'chaostoxi.toxic.actions',
    'create_bandwith_degradation_toxic',
    'action',
    [...toxicArguments, 'rate!'],
    'toxiproxy: bandwidth',
    toxic('bandwidth', { rate: 'rate' }),
  ),
  mapsTo(
    'chaostoxi.toxic.actions',
    'create_slow_connection_close_toxic',
    'action',
    [...toxicArguments, 'delay!'],
    'toxiproxy: slow_close',
    toxic('slow_close', { delay: 'delay' }),
  ),
  mapsTo(
    'chaostoxi.toxic.actions',
    'create_timeout_toxic',
    'action',
    [...toxicArguments, 'timeout!'],
    'toxiproxy: timeout',
    toxic('timeout', { timeout: 'timeout' }),
  ),
  mapsTo(
    'chaostoxi.toxic.actions',
    'create_slicer_toxic',
    'action',
    [...toxicArguments, 'average_size!', 'size_variation!', 'delay!'],
    'toxiproxy: slicer',
    toxic('slicer', { average_size: 'average_size', size_variation: 'size_variation', delay: 'delay' }),
  ),
  mapsTo(
    'chaostoxi.toxic.actions',
    'create_limiter_toxic',
    'action',
    [...toxicArguments, 'bytes_limit!'],
    'toxiproxy: limit_data',
    toxic('limit_data', { bytes_limit: 'bytes' }),
  ),
  mapsTo(
    'chaostoxi.toxic.actions',
    'delete_toxic',
    'action',
    toxicArguments,
    "the revert of the toxic (Faultline's own)",
    (call) => ({
      as: 'undo',
      undoes: [proxyKey('toxic', `${call.fields.text('for_proxy')}/${call.fields.text('toxic_name')}`)],
    }),
  ),
  mapsTo(
    'chaostoxi.proxy.actions',
    'disable_proxy',
    'action',
    ['proxy_name!'],
    'partition',
    proxyEnabled(false),
  ),
  mapsTo(
    'chaostoxi.proxy.actions',
    'enable_proxy',
    'action',
    ['proxy_name!'],
    "the revert of the partition (Faultline's own)",
    proxyEnabled(true),
  ),
  mapsTo(
    'chaostoxi.proxy.actions',
    'modify_proxy',
    'action',
    ['proxy_name!', 'listen_address', 'upstream_address', 'enabled'],
    'with only enabled: as disable_proxy / enable_proxy',
    modifyProxy,
  ),
  mapsTo(
    'chaostoxi.proxy.actions',
    'create_proxy',
    'action',
    ['proxy_name!', 'upstream_host!', 'upstream_port!', 'listen_host', 'listen_port', 'enabled'],
    'listen and upstream of the faults on that proxy (Faultline creates it with them and removes it on revert)',
    createProxy,
  ),
  mapsTo(
    'chaostoxi.proxy.actions',
    'delete_proxy',
    'action',
    ['proxy_name!'],
    "the removal of a proxy the faults created (Faultline's own)",
    (call) => ({
      as: 'undo',
      undoes: [proxyKey('created', call.fields.text('proxy_name') ?? '')],
    }),
  ),
  mapsTo(
    'chaostoxi.proxy.actions',
    'reset',
    'action',
    [],
    "the revert of every toxiproxy fault and partition (Faultline's own)",
    () => ({
      as: 'undo',
      undoes: ['toxiproxy'],
      comment:
        "Chaos Toolkit's reset also removes every other toxic and enables every proxy of that Toxiproxy; Faultline reverts only its own faults",
    }),
  ),
  mapsTo(
    'chaostoxi.proxy.probes',
    'proxy_exist',
    'probe',
    ['proxy_name!'],
    'http probe: GET /proxies/NAME of the Toxiproxy API answers 200',
    proxyExists,
  ),
  ...doNotMap('chaostoxi.proxy.actions', 'action', helper, ['value_from_environment_if_exists']),
  ...doNotMap('chaostoxi.toxiproxyapi', 'action', helper, [
    'build_baseUrl',
    'build_proxies_baseUrl',
    'create_proxy',
    'create_toxic',
    'delete_proxy',
    'delete_toxic',
    'modify_proxy',
    'read_proxy',
    'reset',
  ]),
  ...doNotMap(
    'chaostoxi.proxy.probes',
    'probe',
    'it returns an attribute of the proxy, which no Faultline expectation can read',
    ['get_proxy_attribute'],
  ),
];
