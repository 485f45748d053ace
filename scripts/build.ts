// The published build (`npm run build`; `npm ci`, `npm pack` and `npm publish` run it through `prepare`), into dist/:
//   dist/faultline.js   the CLI as one ES module, our code and its dependencies bundled by esbuild:
//                       Node runs JavaScript from node_modules (it will not strip types there), and
//                       one file starts faster and smaller than some 1 600 modules read one by one.
//   dist/index.js       the library (src/library/index.ts), bundled the same way, as `exports["."]`
//   dist/index.d.ts     its declarations and the few files they import (scripts/build-declarations.ts):
//                       the library's types are written out in src/library/, so none names TypeBox
// The bundle sits one directory below the package root, as cli/program.ts does in the sources,
// so `new URL('../package.json', import.meta.url)` finds the package's own package.json in both.
// The repository itself keeps running the .ts sources directly; nothing else reads dist/.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildDeclarations } from './build-declarations.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const oldestNode = 'node22.18';

rmSync(`${root}dist`, { recursive: true, force: true });

// Bundled CommonJS dependencies call require() for Node's own modules; an ES module has none.
const requireBanner =
  "import { createRequire as __faultlineRequire } from 'node:module';\nconst require = __faultlineRequire(import.meta.url);";

// The CLI and the library are two bundles: the CLI's start-up loads nothing of the library's.
for (const [entry, outfile] of [
  ['cli/faultline.ts', 'dist/faultline.js'],
  ['src/library/index.ts', 'dist/index.js'],
] as const) {
  const bundled = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: oldestNode,
    banner: { js: requireBanner },
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
  });
  const { metafile } = bundled;
  const bytes = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  const modules = Object.keys(metafile.inputs).length;
  console.log(`build: ${outfile} (${(bytes / 1e6).toFixed(1)} MB, ${modules} modules)`);
}

const declarations = buildDeclarations(root, `${root}dist`);
console.log(`build: dist/index.d.ts and ${declarations.length - 1} declaration files beside it`);
