// What does not map is an error at its FILE:LINE:COL that names the provider and says why, every
// such problem of a file at once; nothing is written. Each fixture gathers the refusals of one part
// of an experiment.
import test from 'ava';
import { importFixture, placed } from './import-helpers.ts';

const refuses = test.macro((t, name: string, errors: string[]) => {
  const result = importFixture(name);
  t.deepEqual(placed(result.diagnostics, 'error'), errors);
  t.is(result.document, undefined);
  t.is(result.yaml, undefined);
});

const ssh = '["steady-state-hypothesis"]';

test('method and rollback activities that do not map', refuses, 'unmapped-method.yaml', [
  '13:5: method[0]: mycompany.chaos.break_things is a function of another Python module (mycompany.chaos): Faultline runs no Python code',
  '19:5: method[1]: chaosk8s.pod.actions.kill_pods is not a function of chaostoolkit-kubernetes 0.39',
  '25:5: method[2]: chaosk8s.pod.actions.exec_in_pods does not map: it runs a command in pods, and Faultline has no such fault',
  '41:23: method[3].provider.arguments.name_pattern: chaosk8s.pod.actions.terminate_pods: Faultline selects pods by labels, not by a name pattern (name_pattern)',
  '50:9: method[4].provider.arguments.namespace: terminate_pods has no argument namespace (it takes label_selector, name_pattern, all, rand, mode, qty, grace_period, ns, order); Chaos Toolkit refuses it too',
  '58:9: method[5].provider.arguments: scale_deployment needs the argument replicas; Chaos Toolkit refuses it without',
  '59:5: method[6]: chaosk8s.node.actions.uncordon_node undoes nothing this experiment did before it; Faultline never reverts what another run or person did',
  '70:7: method[7].provider: chaostoxi.toxic.actions.create_latency_toxic: Chaos Toolkit reads the Toxiproxy address from the configuration (toxiproxy_url, or toxiproxy_host and toxiproxy_port), and neither is set',
  "81:15: method[8].provider.method: the http provider: Faultline's http probe sends GET, HEAD or POST, not PUT",
  "90:9: method[9].provider.arguments: the http provider: Faultline's http probe sends no request body (the POST arguments)",
  '99:15: method[10].provider.arguments.when: chaosprometheus.probes.query: Faultline evaluates a query now, not at "5 minutes ago"',
  '108:16: method[11].provider.arguments.start: chaosprometheus.probes.query_interval: Faultline imports a range that starts "N seconds (minutes, hours, days) ago"',
  '113:7: method[12].provider: the process provider: a process provider needs a path',
  '115:10: method[13].ref: no activity named "no-such-activity" in the method or the hypothesis',
  '122:14: method[14].pauses.after: a pause is a number of seconds or a whole ${name}, found "ten" (Chaos Toolkit refuses it too)',
  '123:5: method[15]: create_proxy spare: no fault uses the proxy after it; Faultline creates a proxy only with a fault on it',
  '134:5: rollbacks[0]: chaosk8s.deployment.actions.rollout_deployment: a Faultline rollback is an HTTP request or a program (run as a probe), and this is neither',
]);

test(
  'tolerances that cannot mean in Faultline what they mean in Chaos Toolkit',
  refuses,
  'unmapped-hypothesis.yaml',
  [
    `13:7: ${ssh}.probes[0]: a hypothesis probe needs a tolerance (Chaos Toolkit refuses it without)`,
    `19:9: ${ssh}.probes[1].tolerance: a probe tolerance runs Python code on the value, which Faultline cannot do`,
    `25:18: ${ssh}.probes[2].tolerance: the tolerance true never holds in Chaos Toolkit: an HTTP probe returns {status, headers, body}`,
    `29:18: ${ssh}.probes[3].tolerance: Faultline has no JSON path on an HTTP body (its bodyMatches is a regular expression)`,
    `33:18: ${ssh}.probes[4].tolerance: a regex tolerance here must name target: "body" (found nothing)`,
    `35:7: ${ssh}.probes[5]: chaosk8s.pod.probes.count_pods does not map: it counts pods; a Faultline kubernetes probe judges a field of each object and does not count`,
    `45:18: ${ssh}.probes[6].tolerance: the tolerance "200" never holds in Chaos Toolkit: an HTTP probe returns {status, headers, body} (it comes from the environment as text; env_var_type: int makes it a number)`,
    `49:18: ${ssh}.probes[7].tolerance: Faultline expects one exit code, not a list`,
    `53:18: ${ssh}.probes[8].tolerance: it expects the check to fail, and Faultline cannot write the opposite of this check`,
    `61:18: ${ssh}.probes[9].tolerance: Faultline imports a jsonpath tolerance on query only as $.data.result[*][?(@.value[1] != "0")] with count: 0`,
    `69:18: ${ssh}.probes[10].tolerance: the pattern uses Python-only syntax "(?P<"`,
  ],
);

test('configuration, secrets and the experiment as a whole', refuses, 'unmapped-experiment.json', [
  '1:1: an experiment needs a description (Chaos Toolkit refuses it without)',
  '1:1: Faultline needs a steady-state hypothesis with at least one probe',
  '4:17: configuration.replicas: configuration replicas: a dynamic configuration (a probe run before the experiment) cannot be imported',
  '13:16: secrets.vault.token: secret token: a Vault secret: Faultline reads secrets from environment variables and files',
  '20:43: method[0].provider.url: ${payload} cannot be imported: env_var_type json: Faultline variables are text',
]);

test('a method without any fault', refuses, 'no-fault.yaml', [
  '11:3: method: no activity of the method maps to a Faultline fault, and a Faultline experiment needs one',
]);

test('a .json file is read as JSON: a trailing comma is refused where JSON refuses it', (t) => {
  const result = importFixture('invalid.json');
  const [error, ...others] = placed(result.diagnostics, 'error');
  t.deepEqual(others, []);
  // The rest of the message is V8's own wording, which varies between Node versions.
  t.true(
    error?.startsWith('5:1: not valid JSON (Chaos Toolkit reads a .json file with a JSON parser): '),
    error,
  );
  t.is(result.document, undefined);
});

test('a YAML syntax error is placed', refuses, 'invalid.yaml', [
  '5:1: invalid YAML: Sequence item without - indicator',
]);
