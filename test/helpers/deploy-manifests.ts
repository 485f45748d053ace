// The manifests of deploy/, and how tests apply them to the shared sandbox without touching a real
// install: in namespaces of their own instead of faultline (and shop), with cluster-wide names
// suffixed; and kubeconfigs that act as a ServiceAccount.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { runProcess } from './run-process.ts';
import { loadSandboxEnv, projectRoot } from './sandbox-env.ts';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
  spec?: { policyName?: string; matchConditions?: { expression: string }[] };
  [field: string]: unknown;
};

const sandbox = loadSandboxEnv();
export const deployDir = join(projectRoot, 'deploy');

export const manifests = (): KubeObject[] =>
  readdirSync(deployDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .flatMap((name) => parseAllDocuments(readFileSync(join(deployDir, name), 'utf8')).map((d) => d.toJS()));

/** The kinds whose objects are named cluster-wide (or shared by every test): their names get a suffix. */
export const accessKinds = new Set([
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
]);

export const serviceAccountOf = (namespace: string) => `system:serviceaccount:${namespace}:faultline`;

// The manifests as they are, but in `namespace` instead of faultline (and the target namespace
// `shop` in `target`, when given), with the names of access objects suffixed. The admission
// policies then match the ServiceAccount of `namespace`.
export function relocate(
  objects: KubeObject[],
  namespace: string,
  suffix: string,
  { target }: { target?: string } = {},
): KubeObject[] {
  const moved = (name: string | undefined) =>
    name === 'faultline' ? namespace : name === 'shop' && target ? target : name;
  return objects.map((original) => {
    const object = structuredClone(original);
    if (object.kind === 'Namespace') object.metadata.name = namespace;
    if (object.metadata.namespace) object.metadata.namespace = moved(object.metadata.namespace);
    if (accessKinds.has(object.kind)) object.metadata.name += suffix;
    if (object.roleRef) object.roleRef.name += suffix;
    if (object.spec?.policyName) object.spec.policyName += suffix;
    for (const condition of object.spec?.matchConditions ?? [])
      condition.expression = condition.expression.replaceAll(
        `'${serviceAccountOf('faultline')}'`,
        `'${serviceAccountOf(namespace)}'`,
      );
    for (const subject of object.subjects ?? []) subject.namespace = moved(subject.namespace);
    return object;
  });
}

export function writeManifest(file: string, objects: KubeObject[]): string {
  writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  return file;
}

export const kubectl = (...args: string[]) =>
  runProcess('kubectl', args, { env: { ...process.env, ...sandbox }, timeoutMs: 60_000 });

type KubeConfigFile = { users: { user: Record<string, unknown> }[] };

// The sandbox's kubeconfig with `change` applied to each user, written to `file`.
async function writeKubeconfig(
  file: string,
  change: (user: Record<string, unknown>) => Record<string, unknown>,
): Promise<string> {
  const view = await kubectl('config', 'view', '--raw', '--flatten', '-o', 'json');
  const config = JSON.parse(view.stdout) as KubeConfigFile;
  for (const entry of config.users) entry.user = change(entry.user);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

/** A kubeconfig whose requests are impersonated as `user` (the sandbox's admin certificate asks). */
export const kubeconfigAs = (dir: string, user: string) =>
  writeKubeconfig(join(dir, `as-${user.replace(/\W+/g, '-')}.kubeconfig`), (u) => ({ ...u, as: user }));

/** Writes a kubeconfig that authenticates as the ServiceAccount `faultline` of `namespace` itself,
 * with a token the API server issued for it (`kubectl create token`), as its pods do: no client
 * certificate, no impersonation. */
export async function writeTokenKubeconfig(file: string, namespace: string): Promise<string> {
  const issued = await kubectl('create', 'token', 'faultline', '-n', namespace, '--duration=1h');
  if (issued.exitCode !== 0) throw new Error(`kubectl create token: ${issued.stderr}`);
  const token = issued.stdout.trim();
  return writeKubeconfig(file, () => ({ token }));
}
