// The package as a user gets it: `npm pack` of this repository, installed into an empty project that
// has none of the repository's files, then `npx faultline …` there, on Node 22 and on Node 24; the
// library from an ava test in examples/ava-project/ installed the same way; and the README's GitHub
// Actions job run as written in such a user repository (`npm ci`, then npx).
// Needs: Toxiproxy (the sandbox's proxy `catalog`) and the sample shop's resilient storefront; the
// npm registry only the first time (scripts/node22.sh caches Node 22; the tarball has no dependencies;
// the example project's ava, typescript and @types/node are the repository's own, in npm's cache).
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { parse } from 'yaml';
import { packFaultline, supportedNodes } from '../helpers/packed-package.ts';
import { runProcess } from '../helpers/run-process.ts';
import { loadSandboxEnv, projectRoot } from '../helpers/sandbox-env.ts';

const sandbox = loadSandboxEnv();
const dir = mkdtempSync(join(tmpdir(), 'faultline-packed-'));
const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
const nodes = supportedNodes();
let tarball = '';

test.before(async () => {
  const started = performance.now();
  tarball = await packFaultline(dir);
  console.log(`npm pack (with the build): ${Math.round(performance.now() - started)} ms`);
});

// A user's environment: the given Node first on PATH, nothing of this repository's (no
// node_modules/.bin, no npm_* variables of the `npm test` that runs this file).
function userEnv(nodeBinary: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('npm_') && key !== 'INIT_CWD') env[key] = value;
  }
  const path = sandbox.PATH.split(delimiter).filter((entry) => !entry.includes('node_modules'));
  return {
    ...env,
    PATH: [dirname(nodeBinary), ...path].join(delimiter),
    TOXIPROXY_URL: sandbox.TOXIPROXY_URL,
    STOREFRONT_URL: sandbox.STOREFRONT_URL,
    PROMETHEUS_URL: sandbox.PROMETHEUS_URL,
    FAULTLINE_LEDGER: join(dir, `ledger-${Math.random().toString(36).slice(2)}.jsonl`),
    NO_COLOR: '1',
    ...extra,
  };
}

// An empty project with the shipped experiments (timings shortened) and nothing else.
function userProject(name: string): string {
  const project = join(dir, name);
  mkdirSync(join(project, 'experiments'), { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', private: true })}\n`,
  );
  for (const file of ['gameday.yaml', 'checkout-pod-kill.yaml', 'storefront-survives-slow-catalog.yaml'])
    cpSync(join(projectRoot, 'experiments', file), join(project, 'experiments', file));
  const partition = readFileSync(join(projectRoot, 'experiments/catalog-partition.yaml'), 'utf8')
    .replace('duration: 60s', 'duration: 5s')
    .replace('start: 10s', 'start: 1s')
    .replace('duration: 30s', 'duration: 3s')
    .replace('recovery: 10s', 'recovery: 1s');
  writeFileSync(join(project, 'experiments/catalog-partition.yaml'), partition);
  writeFileSync(join(project, 'experiments/slow-catalog.yaml'), slowCatalog);
  return project;
}

// The latency experiment of test/integration/run-toxiproxy.test.ts: the resilient storefront holds.
const slowCatalog = `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: slow-catalog }
spec:
  duration: 4s
  hypothesis:
    probes:
      - name: page-latency
        http: { url: "\${STOREFRONT_URL}/", timeout: 2s }
        expect: { status: 200, latencyMs: { below: 500 } }
      - name: page-error-ratio
        http: { url: "\${STOREFRONT_URL}/", timeout: 2s, burst: { requests: 10, concurrency: 5 } }
        expect: { errorRatio: { atMost: 0.01 } }
    during: { every: 1s, failAfter: 2 }
  faults:
    - name: slow-catalog
      toxiproxy: { url: "\${TOXIPROXY_URL}", proxy: catalog, toxic: latency, attributes: { latency: 800 }, stream: downstream }
      start: 1s
`;

// The packages (bundled into dist/ by esbuild, which heads each module with its path) in the files
// a command of the installed CLI loads, seen by a module hook registered before the CLI starts.
async function packagesLoaded(project: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string[]> {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const hook = join(dir, 'log-loads.mjs');
  writeFileSync(
    hook,
    `import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); } });
`,
  );
  const cli = join(project, 'node_modules/faultline/dist/faultline.js');
  const result = await runProcess('node', ['--import', hook, cli, ...args], { cwd: project, env });
  if (result.exitCode !== 0) throw new Error(`faultline ${args.join(' ')}: ${result.stderr}`);
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:') && url.includes('/node_modules/faultline/dist/'));
  const packages = new Set<string>();
  for (const file of files)
    for (const [, name] of readFileSync(new URL(file), 'utf8').matchAll(
      /^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm,
    ))
      if (name) packages.add(name);
  return [...packages].sort();
}

async function step(
  t: ExecutionContext,
  cwd: string,
  env: NodeJS.ProcessEnv,
  command: string,
  args: string[],
) {
  const started = performance.now();
  const result = await runProcess(command, args, { cwd, env, timeoutMs: 180_000 });
  t.log(
    `${command} ${args.join(' ')}: exit ${result.exitCode} in ${Math.round(performance.now() - started)} ms`,
  );
  return result;
}

// What the README says: npm install -D faultline (here the packed tarball; it has no dependencies).
const installFaultline = (t: ExecutionContext, project: string, env: NodeJS.ProcessEnv) =>
  step(t, project, env, 'npm', ['install', '-D', '--prefer-offline', '--no-audit', '--no-fund', tarball]);

async function assertCatalogClean(t: ExecutionContext) {
  const proxies = (await (await fetch(`${sandbox.TOXIPROXY_URL}/proxies`)).json()) as Record<
    string,
    { enabled: boolean; toxics: unknown[] }
  >;
  t.deepEqual(proxies.catalog?.toxics, [], 'no toxic left on catalog');
  t.true(proxies.catalog?.enabled, 'catalog is enabled');
}

test.serial(
  'the tarball: the bundled CLI and the schemas; no TypeScript source, no dependencies',
  async (t) => {
    const listed = await runProcess('tar', ['tzf', tarball]);
    const files = listed.stdout.trim().split('\n');
    for (const file of [
      'dist/faultline.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/public-types.d.ts',
      'dist/experiment-types.d.ts',
      'schema/experiment.schema.json',
      'schema/schedule.schema.json',
    ])
      t.true(files.includes(`package/${file}`), file);
    t.deepEqual(
      files.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')),
      [],
      'Node does not strip types under node_modules',
    );
    t.deepEqual(files.filter((file) => !/^package\/(dist|schema)\//.test(file)).sort(), [
      'package/LICENSE',
      'package/README.md',
      'package/package.json',
    ]);
    const manifest = JSON.parse(
      (await runProcess('tar', ['xzOf', tarball, 'package/package.json'])).stdout,
    ) as Record<string, unknown>;
    t.is(manifest.dependencies, undefined, 'every dependency is bundled into dist/faultline.js');
    t.is(manifest.private, undefined);
    t.is(manifest.license, 'Apache-2.0');
    t.regex(
      (await runProcess('tar', ['xzOf', tarball, 'package/LICENSE'])).stdout,
      /Apache License\s+Version 2\.0, January 2004/,
    );
    t.deepEqual(manifest.bin, { faultline: 'dist/faultline.js' });
    t.deepEqual((manifest.exports as Record<string, unknown>)['.'], {
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
  },
);

for (const node of nodes) {
  test.serial(
    `${node.name}: npm install -D faultline, then npx faultline --version, validate, plan, run, report, schedule --next 3`,
    async (t) => {
      const project = userProject(`user-${node.name.replace(' ', '')}`);
      const env = userEnv(node.binary);
      const installed = await installFaultline(t, project, env);
      t.is(installed.exitCode, 0, installed.stderr);
      t.deepEqual(
        readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.')),
        ['faultline'],
        'the package alone',
      );
      const nodeVersion = await step(t, project, env, 'npm', ['exec', '-c', 'node --version']);
      t.is(
        nodeVersion.stdout.trim(),
        (await runProcess(node.binary, ['--version'])).stdout.trim(),
        'npx runs this Node',
      );

      const npx = (...args: string[]) => step(t, project, env, 'npx', ['--no-install', 'faultline', ...args]);
      const version = await npx('--version');
      t.is(version.exitCode, 0, version.stderr);
      t.is(version.stdout.trim(), pkg.version);

      const validated = await npx(
        'validate',
        ...readdirSync(join(project, 'experiments')).map((f) => `experiments/${f}`),
      );
      t.is(validated.exitCode, 0, validated.stderr);
      t.regex(validated.stdout, /^ok experiments\/slow-catalog\.yaml/m);

      // Each command loads only what it needs: the bundle's chunks say which packages they carry.
      const versionLoads = await packagesLoaded(project, env, ['--version']);
      t.deepEqual(versionLoads, ['commander'], '--version loads no command');
      const validateLoads = await packagesLoaded(project, env, ['validate', 'experiments/slow-catalog.yaml']);
      t.log(`validate loads: ${validateLoads.join(', ')}`);
      t.true(validateLoads.includes('yaml'), 'validate parses YAML');
      for (const client of ['@kubernetes/client-node', 'undici', 'toxiproxy-node-client', 'prom-client'])
        t.false(validateLoads.includes(client), `validate does not load ${client}`);
      t.regex(validated.stdout, /^ok experiments\/gameday\.yaml/m);

      const planned = await npx('plan', 'experiments/slow-catalog.yaml');
      t.is(planned.exitCode, 0, planned.stderr);
      t.regex(planned.stdout, /catalog/);

      const ran = await npx('run', 'experiments/slow-catalog.yaml');
      t.is(ran.exitCode, 0, ran.stderr + ran.stdout);
      const journalFile = /journal: (\S+)/.exec(ran.stdout)?.[1] ?? '';
      const journal = JSON.parse(readFileSync(resolve(project, journalFile), 'utf8')) as {
        verdict: string;
        events: { type: string }[];
        faults: { actions: { revert?: string }[] }[];
      };
      t.is(journal.verdict, 'held');
      t.true(
        journal.events.some((event) => event.type === 'injected'),
        'the latency toxic was injected',
      );
      t.true(journal.faults.every((fault) => fault.actions.every((action) => action.revert === 'reverted')));
      await assertCatalogClean(t);

      const report = await npx('report', journalFile, '--format', 'md');
      t.is(report.exitCode, 0, report.stderr);
      t.regex(report.stdout, /slow-catalog/);
      t.regex(report.stdout, /held/);

      const next = await npx('schedule', 'experiments/gameday.yaml', '--next', '3');
      t.is(next.exitCode, 0, next.stderr);
      t.is(next.stdout.trim().split('\n').length, 3, next.stdout);

      const schema = await step(t, project, env, 'node', [
        '--input-type=module',
        '-e',
        "console.log(import.meta.resolve('faultline/schema/experiment.schema.json'))",
      ]);
      t.true(existsSync(new URL(schema.stdout.trim())), `the schema export resolves: ${schema.stdout}`);
    },
  );
}

const example = join(projectRoot, 'examples/ava-project');
const exampleExperiment = 'experiments/storefront-survives-slow-catalog.experiment.ts';

for (const node of nodes) {
  test.serial(
    `${node.name}: examples/ava-project with the packed package: tsc against dist/index.d.ts, the library run from an ava test, the experiment module through npx faultline`,
    async (t) => {
      const project = join(dir, `example-${node.name.replace(' ', '')}`);
      cpSync(example, project, { recursive: true, filter: (path) => !/node_modules|reports/.test(path) });
      const env = userEnv(node.binary);
      const installed = await installFaultline(t, project, env);
      t.is(installed.exitCode, 0, installed.stderr);
      t.regex(
        readFileSync(join(project, 'package.json'), 'utf8'),
        /"faultline": "file:/,
        'faultline comes from the tarball',
      );

      const typecheck = await step(t, project, env, 'npm', ['run', 'typecheck']);
      t.is(typecheck.exitCode, 0, `the shipped declarations type the example:\n${typecheck.stdout}`);

      const npx = (...args: string[]) => step(t, project, env, 'npx', ['--no-install', 'faultline', ...args]);
      const validated = await npx('validate', exampleExperiment);
      t.is(validated.exitCode, 0, validated.stderr);
      t.regex(validated.stdout, /^ok experiments\/storefront-survives-slow-catalog\.experiment\.ts/m);
      const planned = await npx('plan', exampleExperiment);
      t.is(planned.exitCode, 0, planned.stderr);
      t.regex(planned.stdout, /catalog/);

      const tested = await step(t, project, env, 'npm', ['test']);
      t.is(tested.exitCode, 0, `${tested.stdout}\n${tested.stderr}`);
      t.regex(tested.stdout, /✔ the storefront holds while the catalog is slow/);
      const journals = readdirSync(join(project, 'reports')).map((run) =>
        join(project, 'reports', run, 'journal.json'),
      );
      t.is(journals.length, 1, 'one run, its journal and reports in reports/<run-id>/');
      const journal = JSON.parse(readFileSync(journals[0] ?? '', 'utf8')) as {
        verdict: string;
        experimentFile: string;
      };
      t.is(journal.verdict, 'held');
      t.is(journal.experimentFile, '(document)');
      await assertCatalogClean(t);

      // A mistake in the module: the CLI names the module and the field, and exits 2.
      const broken = join(project, 'experiments/broken.experiment.ts');
      writeFileSync(
        broken,
        readFileSync(join(project, exampleExperiment), 'utf8').replace("duration: '4s'", "duration: 'soon'"),
      );
      const refused = await npx('validate', 'experiments/broken.experiment.ts');
      t.is(refused.exitCode, 2);
      t.regex(refused.stderr, /^experiments\/broken\.experiment\.ts: error: spec\.duration: /m);
    },
  );
}

type Workflow = {
  jobs: Record<
    string,
    { steps: { uses?: string; with?: Record<string, unknown>; run?: string; env?: Record<string, string> }[] }
  >;
};

test.serial(
  "the README's GitHub Actions job, as written, in a user repository: npm ci, then npx faultline",
  async (t) => {
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const block = /## In CI\n\n```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    if (!block) return t.fail('no yaml block under "## In CI" in the README');
    const steps = Object.values((parse(block) as Workflow).jobs)[0]?.steps ?? [];
    const setupNode = steps.find((s) => s.uses?.startsWith('actions/setup-node'));
    const node = nodes.find((n) => n.name === `Node ${setupNode?.with?.['node-version']}`);
    if (!node) return t.fail(`the job's node-version is not one this test has: ${JSON.stringify(setupNode)}`);

    // The user's repository as checked out: package.json and package-lock.json naming faultline.
    const repository = userProject('user-ci');
    const env = userEnv(node.binary, { GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md') });
    const added = await installFaultline(t, repository, env);
    t.is(added.exitCode, 0, added.stderr);
    rmSync(join(repository, 'node_modules'), { recursive: true });

    const vars: Record<string, string> = {
      STOREFRONT_URL: sandbox.STOREFRONT_URL,
      TOXIPROXY_URL: sandbox.TOXIPROXY_URL,
    };
    const runs = steps.filter((s) => s.run);
    t.true(
      runs.some((s) => s.run === 'npm ci'),
      'the job installs with npm ci',
    );
    for (const { run, env: stepEnv = {} } of runs) {
      const resolved = Object.fromEntries(
        Object.entries(stepEnv).map(([key, value]) => [
          key,
          value.replace(/\$\{\{ vars\.(\w+) \}\}/g, (_, name: string) => vars[name] ?? ''),
        ]),
      );
      const result = await step(t, repository, { ...env, ...resolved }, 'bash', ['-e', '-c', run ?? '']);
      t.is(result.exitCode, 0, `${run}\n${result.stderr}\n${result.stdout}`);
    }
    t.regex(
      readFileSync(join(repository, 'faultline-junit.xml'), 'utf8'),
      /<testsuite[^>]*name="catalog-partition"/,
    );
    t.regex(readFileSync(join(dir, 'step-summary.md'), 'utf8'), /catalog-partition/);
    await assertCatalogClean(t);
  },
);
