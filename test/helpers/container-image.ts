// Builds the Containerfile with Debian's buildah and runs an image's root filesystem the way a
// kubelet runs a container, without a container runtime (there is none here):
//   - the image's own filesystem (its buildah working container, `buildah mount`), made read-only
//     in a private mount namespace (readOnlyRootFilesystem: true);
//   - volumes bind-mounted on it (emptyDir, ConfigMap, the projected ServiceAccount token), each
//     target resolved inside the image (/var/run is a link to /run in Debian-based images);
//   - /proc and /dev; the host's network (as a pod would have its own, the servers here are on 127.0.0.1);
//   - the image's entrypoint, working directory, user and environment from its config, the pod's
//     args and env on top, HOME as runc sets it, and no_new_privs (allowPrivilegeEscalation: false).
// What it does not do: cgroups, a pid or network namespace, seccomp, image pulls.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ProcessResult, runProcess } from './run-process.ts';

export const buildah = (args: string[], timeoutMs = 600_000): Promise<ProcessResult> =>
  runProcess('buildah', ['--storage-driver', 'vfs', ...args], { timeoutMs });

async function buildahOk(args: string[]): Promise<string> {
  const result = await buildah(args);
  if (result.exitCode !== 0) throw new Error(`buildah ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout.trim();
}

export type ImageConfig = {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  User?: string;
  WorkingDir?: string;
};

export async function imageConfig(image: string): Promise<ImageConfig & { size: string }> {
  const inspected = JSON.parse(await buildahOk(['inspect', '--type', 'image', image])) as {
    OCIv1: { config: ImageConfig };
  };
  const size = await buildahOk(['images', '--format', '{{.Size}}', '--noheading', image]);
  return { ...inspected.OCIv1.config, size };
}

export type OpenedImage = { rootfs: string; config: ImageConfig; close(): Promise<void> };

// A working container of the image, its filesystem mounted on the host.
export async function openImage(image: string): Promise<OpenedImage> {
  const container = await buildahOk(['from', '--pull-never', image]);
  const rootfs = await buildahOk(['mount', container]);
  const config = await imageConfig(image);
  return {
    rootfs,
    config,
    close: async () => {
      await buildah(['umount', container]);
      await buildah(['rm', container]);
    },
  };
}

export type Mount = { source: string; target: string; readOnly?: boolean };
export type PodContainer = {
  args: string[];
  env: Record<string, string>;
  mounts: Mount[];
  command?: string[];
};

function homeOf(rootfs: string, uid: string): string {
  const passwd = existsSync(join(rootfs, 'etc/passwd'))
    ? readFileSync(join(rootfs, 'etc/passwd'), 'utf8')
    : '';
  const entry = passwd.split('\n').find((line) => line.split(':')[2] === uid || line.split(':')[0] === uid);
  return entry?.split(':')[5] || '/';
}

const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;

export function startContainer(image: OpenedImage, pod: PodContainer): ChildProcess {
  const root = quote(image.rootfs);
  const [uid = '0', gid = uid] = (image.config.User || '0').split(':');
  const env = Object.entries({
    HOME: homeOf(image.rootfs, uid), // as runc sets it: the user's home in the image's /etc/passwd, or /
    ...Object.fromEntries((image.config.Env ?? []).map((line) => line.split(/=(.*)/s).slice(0, 2))),
    ...pod.env,
  }).map(([key, value]) => quote(`${key}=${value}`));
  const command = [...(pod.command ?? image.config.Entrypoint ?? []), ...pod.args].map(quote);
  const targets = [...pod.mounts.map((m) => m.target), '/proc', '/dev'].map(quote).join(' ');
  const script = [
    'set -euo pipefail',
    // Mount points are made in the container's own layer before the root turns read-only, as a runtime does.
    `chroot ${root} mkdir -p ${targets}`,
    `mount --bind ${root} ${root}`,
    `mount -o remount,bind,ro ${root}`,
    ...pod.mounts.flatMap((m) => [
      `target=${root}$(chroot ${root} readlink -f ${quote(m.target)})`,
      `mount --bind ${quote(m.source)} "$target"`,
      ...(m.readOnly ? ['mount -o remount,bind,ro "$target"'] : []),
    ]),
    `mount -t proc proc ${root}/proc`,
    `mount --rbind /dev ${root}/dev`,
    `exec env -i ${env.join(' ')} /usr/bin/setpriv --no-new-privs /usr/sbin/chroot --userspec=${uid}:${gid} ${root}` +
      ` /bin/sh -c 'cd "$0" && exec "$@"' ${quote(image.config.WorkingDir || '/')} ${command.join(' ')}`,
  ].join('\n');
  // unshare execs bash, which execs the entrypoint: the child's pid is the container's process.
  return spawn('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
