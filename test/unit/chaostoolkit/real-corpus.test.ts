// The seven experiments written by Chaos Toolkit users (../shared/corpus/chaostoolkit/, byte for
// byte as published; read in place, never copied here): each imports to a document that validates,
// or is refused with every problem at its exact FILE:LINE:COL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { convertChaosToolkit } from '../../../src/chaostoolkit/convert-chaostoolkit.ts';
import { chaosToolkitCorpus } from '../../helpers/shared-corpus.ts';
import { placed, validateImported } from './import-helpers.ts';

const corpus = chaosToolkitCorpus();
const ssh = '["steady-state-hypothesis"]';

function importReal(name: string) {
  const file = join(corpus, name);
  return { file, result: convertChaosToolkit(readFileSync(file, 'utf8'), file) };
}

const imports = test.macro((t, name: string, warnings: string[], faults: unknown[]) => {
  const { result } = importReal(name);
  t.deepEqual(placed(result.diagnostics, 'error'), []);
  t.deepEqual(placed(result.diagnostics, 'warning'), warnings);
  if (!result.yaml) return t.fail('no document');
  t.deepEqual(validateImported(result.yaml, `${name}.faultline.yaml`), []);
  t.deepEqual((parse(result.yaml) as { spec: { faults: unknown[] } }).spec.faults, faults);
});

const refuses = test.macro((t, name: string, diagnostics: { errors: string[]; warnings: string[] }) => {
  const { file, result } = importReal(name);
  t.deepEqual(placed(result.diagnostics, 'error'), diagnostics.errors);
  t.deepEqual(placed(result.diagnostics, 'warning'), diagnostics.warnings);
  t.true(result.diagnostics.every((diagnostic) => diagnostic.file === file));
  t.is(result.yaml, undefined);
});

test('the corpus holds the seven files SOURCES.md lists', (t) => {
  const sources = readFileSync(join(corpus, 'SOURCES.md'), 'utf8');
  const listed = [...sources.matchAll(/^## `([^`]+)`$/gm)].map((match) => match[1]);
  t.is(listed.length, 7);
  for (const name of listed) t.notThrows(() => readFileSync(join(corpus, name as string)));
});

test(
  'playground-kill-pods.json: env entries without defaults, a bare 200, a pause after',
  imports,
  'playground-kill-pods.json',
  [],
  [
    {
      name: 'terminate-pods',
      podKill: { namespace: '${POD_NAMESPACE}', selector: '${POD_LABEL}', count: 2 },
      start: '0s',
    },
  ],
);

test(
  'playground-ch6-drain-node.json: a node drained by name, its uncordon rollback unneeded, a malformed URL',
  imports,
  'playground-ch6-drain-node.json',
  [
    `18:28: ${ssh}.probes[0].provider.url: the URL "http://http://35.189.85.252/" names its scheme twice: its host is "http", which Chaos Toolkit cannot reach either`,
  ],
  [
    {
      name: 'drain-node',
      nodeDrain: {
        selector: 'kubernetes.io/hostname=gke-disruption-demo-default-pool-9fa7a856-jrvm',
        percent: 100,
        timeout: '2m',
        deleteEmptyDirData: true,
      },
      start: '0s',
      duration: '16s',
    },
  ],
);

test(
  'glenashwood-kind-node-drain.yaml: a drain by label with count, a trailing space after pauses:',
  imports,
  'glenashwood-kind-node-drain.yaml',
  [
    '35:22: method[0].provider.arguments.pod_namespace: pod_namespace is ignored: Chaos Toolkit uses it only with pod_label_selector',
  ],
  [
    {
      name: 'drain-node',
      nodeDrain: {
        selector: 'beta.kubernetes.io/os=linux',
        count: 1,
        timeout: '2m',
        deleteEmptyDirData: true,
      },
      start: '0s',
      duration: '9s',
    },
  ],
);

test(
  'playground-simple-interactive-controls.json: tabs, controls ignored, a tolerance of 0 as an exit code',
  imports,
  'playground-simple-interactive-controls.json',
  [
    `18:17: ${ssh}.probes[0].controls: controls are ignored: Faultline runs no Chaos Toolkit controls (chaossimpleinteract.control)`,
    '39:13: method[0].controls: controls are ignored: Faultline runs no Chaos Toolkit controls (chaossimpleinteract.control)',
    '59:13: rollbacks[0].controls: controls are ignored: Faultline runs no Chaos Toolkit controls (chaossimpleinteract.control)',
  ],
  [
    {
      name: 'method-activity',
      command: { inject: ['sh', '-c', "echo 'updated'"], revert: ['sh', '-c', "echo 'updated'"] },
      start: '0s',
      duration: '16s',
    },
  ],
);

test(
  'chaosiq-lab4-prometheus.json: a probe tolerance, a NetworkPolicy, pod logs',
  refuses,
  'chaosiq-lab4-prometheus.json',
  {
    errors: [
      `32:22: ${ssh}.probes[1].tolerance: a probe tolerance runs Python code on the value, which Faultline cannot do`,
      '70:5: method[1]: chaosk8s.networking.actions.deny_all_ingress does not map: it adds or removes a NetworkPolicy, and Faultline has no such fault (partition a Toxiproxy proxy instead)',
      '97:5: method[3]: chaosk8s.pod.probes.read_pod_logs does not map: it reads pod logs, and Faultline has no log probe',
      '113:5: rollbacks[0]: chaosk8s.networking.actions.remove_deny_all_ingress does not map: it adds or removes a NetworkPolicy, and Faultline has no such fault (partition a Toxiproxy proxy instead)',
    ],
    warnings: [],
  },
);

test(
  'playground-rollout-v4-service2.json: functions chaosk8s does not have, another module, a recorded range',
  refuses,
  'playground-rollout-v4-service2.json',
  {
    errors: [
      '81:9: method[0]: chaosk8s.deployment.actions.set_deployment_image is not a function of chaostoolkit-kubernetes 0.39',
      '95:9: method[1]: load.single is a function of another Python module (load): Faultline runs no Python code',
      '108:9: method[2]: chaosk8s.deployment.probes.collect_deployment_status is not a function of chaostoolkit-kubernetes 0.39',
      '121:9: method[3]: chaosprometheus.probes.query_interval records a range of samples in the method; a Faultline step records one value it can judge',
      '137:9: rollbacks[0]: chaosk8s.deployment.actions.rollback_deployment is not a function of chaostoolkit-kubernetes 0.39',
    ],
    warnings: [
      '40:5: controls: controls are ignored: Faultline runs no Chaos Toolkit controls (chaostracing.control, chaoshumio.control)',
    ],
  },
);

test(
  'ctkdocs-simple-walkthrough.yaml: os.path probes, verify_tls off, typographic dashes, refs in rollbacks',
  refuses,
  'ctkdocs-simple-walkthrough.yaml',
  {
    errors: [
      `9:5: ${ssh}.probes[0]: os.path.exists is a function of another Python module (os.path): Faultline runs no Python code`,
      `18:5: ${ssh}.probes[1]: os.path.exists is a function of another Python module (os.path): Faultline runs no Python code`,
    ],
    warnings: [
      `33:19: ${ssh}.probes[2].provider.verify_tls: verify_tls: false is ignored: Faultline verifies TLS certificates`,
      '53:16: method[2].provider.arguments: an argument starts with a typographic dash (– or —), not "-": the program receives it as written',
      '59:16: method[3].provider.arguments: an argument starts with a typographic dash (– or —), not "-": the program receives it as written',
    ],
  },
);
