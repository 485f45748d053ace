import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { projectRoot } from './sandbox-env.ts';

// The manifests of deploy/, and how tests apply them to the shared sandbox without touching a real
// install: in a namespace of their own instead of faultline, with cluster-wide names suffixed.
export const deployDir = join(projectRoot, 'deploy');

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
  [field: string]: unknown;
};

export const manifests = (): KubeObject[] =>
  readdirSync(deployDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .flatMap((name) => parseAllDocuments(readFileSync(join(deployDir, name), 'utf8')).map((d) => d.toJS()));

export const rbacKinds = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

// The manifests as they are, but in `namespace` instead of faultline, with RBAC names suffixed.
export function relocate(objects: KubeObject[], namespace: string, suffix: string): KubeObject[] {
  return objects.map((original) => {
    const object = structuredClone(original);
    if (object.kind === 'Namespace') object.metadata.name = namespace;
    if (object.metadata.namespace === 'faultline') object.metadata.namespace = namespace;
    if (rbacKinds.has(object.kind)) object.metadata.name += suffix;
    if (object.roleRef) object.roleRef.name += suffix;
    for (const subject of object.subjects ?? [])
      if (subject.namespace === 'faultline') subject.namespace = namespace;
    return object;
  });
}

export function writeManifest(file: string, objects: KubeObject[]): string {
  writeFileSync(file, objects.map((object) => stringify(object)).join('---\n'));
  return file;
}
