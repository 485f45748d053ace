// The published build (`npm run build`; `npm ci`, `npm pack` and `npm publish` run it through `prepare`), into dist/:
//   dist/faultline.js   the CLI as ES modules, our code and its dependencies bundled by esbuild:
//                       Node runs JavaScript from node_modules (it will not strip types there), and
//                       a few files start faster and smaller than some 1 600 modules read one by one.
//                       Split: each command is in dist/cli-*.js chunks, imported when it is the one
//                       run (cli/program.ts), so `validate` never loads the Kubernetes client
//   dist/index.js       the library (src/library/index.ts), `exports["."]`, bundled the same way but
//                       split: its functions read their code from dist/library/ chunks on first call
//   dist/index.d.ts     its declarations and the few files they import (scripts/build-declarations.ts):
//                       the library's types are written out in src/library/, so none names TypeBox
// The CLI's entry and chunks sit one directory below the package root, as cli/program.ts does in the
// sources, so `new URL('../package.json', import.meta.url)` finds the package's own package.json in
// both, and the entry is beside the code that starts it again (cli/run-guard.ts).
// The repository itself keeps running the .ts sources directly; nothing else reads dist/.
import { rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { buildDeclarations } from './build-declarations.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const oldestNode = 'node22.18';

rmSync(`${root}dist`, { recursive: true, force: true });

// Bundled CommonJS dependencies call require() for Node's own modules; an ES module has none.
const requireBanner =
  "import { createRequire as __faultlineRequire } from 'node:module';\nconst require = __faultlineRequire(import.meta.url);";

// Node's own modules are required, never imported: an `import` of one makes Node build an ES module
// facade that reads every export, and node:http's exports include getters that load Node's own
// copy of undici. Imported, they cost `faultline plan` about 45 ms of its start (--cpu-prof), and
// every command some. Each `import ... from 'node:x'` becomes a module holding `require('node:x')`.
const requireBuiltins: Plugin = {
  name: 'require-node-builtins',
  setup(plugin) {
    plugin.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined;
      if (args.namespace === 'builtin' || args.kind !== 'import-statement')
        return { path: args.path, external: true };
      return { path: args.path, namespace: 'builtin' };
    });
    plugin.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

// The CLI and the library are two bundles: the CLI's start-up loads nothing of the library's. Both
// are split. The library's dist/index.js is the small entry, and what its functions import on first
// call (the loader, the engine, the clients) goes into chunks under dist/library/.
const bundles: (BuildOptions & { entryPoints: Record<string, string> })[] = [
  {
    entryPoints: { faultline: 'cli/faultline.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'cli-[name]-[hash]',
  },
  {
    entryPoints: { index: 'src/library/index.ts' },
    outdir: 'dist',
    splitting: true,
    chunkNames: 'library/[name]-[hash]',
  },
];
for (const bundle of bundles) {
  const bundled = await build({
    absWorkingDir: root,
    ...bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: oldestNode,
    banner: { js: requireBanner },
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
    plugins: [requireBuiltins],
  });
  const outputs = Object.entries(bundled.metafile?.outputs ?? {});
  const megabytes = (list: typeof outputs) =>
    (list.reduce((sum, [, output]) => sum + output.bytes, 0) / 1e6).toFixed(2);
  const entryFiles = Object.keys(bundle.entryPoints).map((name) => `dist/${name}.js`);
  const entry = outputs.find(([file]) => entryFiles.includes(file));
  if (!entry) throw new Error('esbuild wrote nothing');
  const chunks = outputs.filter((output) => output !== entry);
  const modules = Object.keys(bundled.metafile?.inputs ?? {}).length;
  console.log(
    `build: ${entry[0]} (${megabytes([entry])} MB${
      chunks.length > 0 ? `; ${chunks.length} chunks, ${megabytes(chunks)} MB` : ''
    }; ${modules} modules)`,
  );
}

const declarations = buildDeclarations(root, `${root}dist`);
console.log(`build: dist/index.d.ts and ${declarations.length - 1} declaration files beside it`);
