// The published build (`npm run build`; `npm ci`, `npm pack` and `npm publish` run it through `prepare`), into dist/:
//   dist/faultline.js   the CLI as one ES module, our code and its dependencies bundled by esbuild:
//                       Node runs JavaScript from node_modules (it will not strip types there), and
//                       one file starts faster and smaller than some 1 600 modules read one by one.
// No declarations yet: tsc 7 emits them (declaration, rewriteRelativeImportExtensions: both work),
// but the TypeBox schemas (src/experiment/schema.ts, fault-schema.ts) export types that name
// TypeBox's unique symbols (Kind, Hint, OptionalKind, ReadonlyKind), which a .d.ts cannot name
// (TS4023). The library API will export explicit types, and the build will emit them then.
// The bundle sits one directory below the package root, as cli/program.ts does in the sources,
// so `new URL('../package.json', import.meta.url)` finds the package's own package.json in both.
// The repository itself keeps running the .ts sources directly; nothing else reads dist/.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const oldestNode = 'node22.18';

rmSync(`${root}dist`, { recursive: true, force: true });

const bundled = await build({
  absWorkingDir: root,
  entryPoints: ['cli/faultline.ts'],
  outfile: 'dist/faultline.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: oldestNode,
  // Bundled CommonJS dependencies call require() for Node's own modules; an ES module has none.
  banner: {
    js: "import { createRequire as __faultlineRequire } from 'node:module';\nconst require = __faultlineRequire(import.meta.url);",
  },
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(bundled.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(
  `build: dist/faultline.js (${(bytes / 1e6).toFixed(1)} MB, ${Object.keys(bundled.metafile.inputs).length} modules)`,
);
