import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

export type SandboxEnv = {
  KUBECONFIG: string;
  TOXIPROXY_URL: string;
  PROMETHEUS_URL: string;
  STOREFRONT_URL: string;
  FRAGILE_STOREFRONT_URL: string;
  CATALOG_URL: string;
  CATALOG_PROXY_LISTEN: string;
  KUBE_AUDIT_LOG: string;
  PROMETHEUS_FILE_SD: string;
  PATH: string;
};

const required = [
  'KUBECONFIG',
  'TOXIPROXY_URL',
  'PROMETHEUS_URL',
  'STOREFRONT_URL',
  'FRAGILE_STOREFRONT_URL',
  'CATALOG_URL',
  'CATALOG_PROXY_LISTEN',
  'KUBE_AUDIT_LOG',
  'PROMETHEUS_FILE_SD',
] as const;

// Reads .testenv/env written by `scripts/testenv.sh up` (or another sandbox's env file: the benches'
// own sandboxes); integration tests need the sandbox.
export function loadSandboxEnv(file = `${projectRoot}.testenv/env`): SandboxEnv {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`the sandbox is not up (${file} is missing): run scripts/testenv.sh up`);
  }
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) values[match[1]] = match[2];
  }
  for (const key of required) {
    if (!values[key]) throw new Error(`${file} has no ${key}`);
  }
  const binPath = (values.PATH ?? '').replace('$PATH', process.env.PATH ?? '');
  return { ...(values as Omit<SandboxEnv, 'PATH'>), PATH: binPath } as SandboxEnv;
}

export type RealNodesEnv = {
  REAL_NODES: number;
  REAL_NODES_DIR: string;
  REAL_NODES_NETNS: string;
  GRACEFUL_NODEPORT_URL: string;
  FRAGILE_NODEPORT_URL: string;
};

// The real nodes' part of .testenv/env, written by `scripts/testenv.sh up --real-nodes N`.
export function loadRealNodesEnv(): RealNodesEnv {
  const file = `${projectRoot}.testenv/env`;
  const text = readFileSync(file, 'utf8');
  const value = (key: string) => new RegExp(`^${key}=(.+)$`, 'm').exec(text)?.[1];
  const nodes = Number(value('REAL_NODES'));
  const env = {
    REAL_NODES: nodes,
    REAL_NODES_DIR: value('REAL_NODES_DIR') ?? '',
    REAL_NODES_NETNS: value('REAL_NODES_NETNS') ?? '',
    GRACEFUL_NODEPORT_URL: value('GRACEFUL_NODEPORT_URL') ?? '',
    FRAGILE_NODEPORT_URL: value('FRAGILE_NODEPORT_URL') ?? '',
  };
  if (!(nodes >= 2) || Object.values(env).some((v) => v === '')) {
    throw new Error(`the sandbox has no real nodes (${file}): run scripts/testenv.sh up --real-nodes 2`);
  }
  return env;
}
