// The real Chaos Toolkit experiments (../shared/corpus/chaostoolkit/ beside the repository, as CI
// has it; read in place, never copied into the project). In a git worktree, `..` of the worktree
// is not `..` of the clone, so the clone's directory is found through the worktree's `.git` file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { projectRoot } from './sandbox-env.ts';

function cloneRoot(root: string): string {
  const dotGit = join(root, '.git');
  if (!existsSync(dotGit) || statSync(dotGit).isDirectory()) return root;
  const gitDirectory = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
  // <clone>/.git/worktrees/<name>
  return gitDirectory ? dirname(dirname(dirname(resolve(root, gitDirectory)))) : root;
}

export function chaosToolkitCorpus(): string {
  const candidates = [
    resolve(projectRoot, '../shared/corpus/chaostoolkit'),
    resolve(cloneRoot(projectRoot), '../shared/corpus/chaostoolkit'),
  ];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'SOURCES.md')));
  if (!found) throw new Error(`the Chaos Toolkit corpus is missing: looked in ${candidates.join(' and ')}`);
  return found;
}
