import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runProcess } from './run-process.ts';
import { projectRoot } from './sandbox-env.ts';

// `npm pack` of this repository, as a release does it (the `prepare` script builds dist/ first).
export async function packFaultline(destination: string): Promise<string> {
  const packed = await runProcess('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: projectRoot,
    timeoutMs: 300_000,
  });
  if (packed.exitCode !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  // npm prints the prepare script's output before the JSON.
  const json = packed.stdout.slice(packed.stdout.indexOf('[\n'));
  const [{ filename }] = JSON.parse(json) as [{ filename: string }];
  return join(destination, filename);
}

// The Node binaries Faultline supports: the oldest (scripts/node22.sh, cached outside node_modules)
// and the repository's own (the devDependency node@24).
export function supportedNodes(): { name: string; binary: string }[] {
  const node22 = execFileSync('bash', [join(projectRoot, 'scripts/node22.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300_000,
  }).trim();
  return [
    { name: 'Node 22', binary: node22 },
    { name: 'Node 24', binary: join(projectRoot, 'node_modules/node/bin/node') },
  ];
}
