// dist/index.d.ts and the declaration files it names, for `import ... from 'faultline'` in a
// TypeScript project. tsc emits declarations for src/library/index.ts and everything it imports
// (tsconfig.declarations.json); only the files reachable from index.d.ts are shipped, and each of
// them may import only its neighbours: a user's project has no TypeBox and none of our sources.
// tsc cannot write a declaration for the TypeBox schemas (TS4023: their types name TypeBox's
// unique symbols); those files are never reached from index.d.ts, so that one error is expected
// there and every other one fails the build.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const libraryDir = 'src/library';

export function buildDeclarations(root: string, outDir: string): string[] {
  const emitted = mkdtempSync(join(tmpdir(), 'faultline-declarations-'));
  try {
    const problems = runTsc(root, emitted).filter((line) => !isExpected(line));
    if (problems.length > 0) throw new Error(`declarations: tsc reported\n${problems.join('\n')}`);
    const shipped = reachable(join(emitted, libraryDir), 'index.d.ts');
    for (const file of shipped) {
      // `./x.ts` as written in the sources; `./x.js` is what every moduleResolution maps to x.d.ts.
      const text = readFileSync(join(emitted, libraryDir, file), 'utf8').replace(
        /(from '\.\/[\w-]+)\.ts'/g,
        "$1.js'",
      );
      writeFileSync(join(outDir, file), text);
    }
    return shipped;
  } finally {
    rmSync(emitted, { recursive: true, force: true });
  }
}

function runTsc(root: string, outDir: string): string[] {
  try {
    execFileSync(
      join(root, 'node_modules/.bin/tsc'),
      ['-p', 'tsconfig.declarations.json', '--outDir', outDir],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return [];
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const lines = `${stdout}\n${stderr}`.split('\n').filter((line) => line.trim() !== '');
    return lines.length > 0 ? lines : [String(error)];
  }
}

// The schemas' TS4023, outside the library (continuation lines of such an error start with spaces).
function isExpected(line: string): boolean {
  return /^src\/experiment\/[\w-]+\.ts\(\d+,\d+\): error TS4023: /.test(line);
}

// index.d.ts and every declaration file it imports, transitively; an import of anything else fails.
function reachable(dir: string, entry: string): string[] {
  const found = new Set<string>();
  const visit = (file: string) => {
    if (found.has(file)) return;
    if (!existsSync(join(dir, file))) throw new Error(`declarations: ${file} was not emitted`);
    found.add(file);
    const text = readFileSync(join(dir, file), 'utf8');
    for (const [, specifier = ''] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      const local = /^\.\/([\w-]+)\.ts$/.exec(specifier);
      if (!local)
        throw new Error(
          `declarations: ${file} imports '${specifier}', which a user's project cannot resolve`,
        );
      visit(`${local[1]}.d.ts`);
    }
  };
  visit(entry);
  return [...found].sort();
}
