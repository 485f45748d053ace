// Start-up of the CLI as users get it, side by side with Chaos Toolkit in one run:
//
//   npm run bench:cli [-- --runs 7]
//
// builds dist/ (scripts/build.ts: the bundle the package ships) and times whole processes, each
// under /usr/bin/time (wall seconds, peak RSS), --runs times in turn:
//   faultline validate   of a latency experiment (an http probe, a Toxiproxy latency toxic)
//   faultline --version
//   chaos validate       of the same experiment in Chaos Toolkit's format (the probe an http
//                        probe, the toxic an http action against Toxiproxy's API: no extension)
//   node -e 0            the floor: Node's own start
// and prints the medians and the ratio faultline validate / chaos validate (the goal: <= 0.5).
// Chaos Toolkit comes from PyPI into a virtual environment made once under
// ~/.cache/faultline/chaostoolkit-<version>/ (FAULTLINE_CACHE moves it). Needs python3 with venv.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

// The newest release that runs on Python 3.11 (Debian 12's python3; 1.20 and later need 3.12).
const chaosToolkitVersion = '1.19.0';
const projectRoot = new URL('../', import.meta.url).pathname;
const runsIndex = process.argv.indexOf('--runs');
const runs = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 7;
const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-cli-'));
const cache = process.env.FAULTLINE_CACHE ?? join(homedir(), '.cache', 'faultline');

function chaosToolkit(): string {
  const venv = join(cache, `chaostoolkit-${chaosToolkitVersion}`);
  const chaos = join(venv, 'bin', 'chaos');
  if (!existsSync(chaos)) {
    console.log(`installing chaostoolkit ${chaosToolkitVersion} into ${venv} (once)`);
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', `chaostoolkit==${chaosToolkitVersion}`], {
      stdio: 'inherit',
    });
  }
  return chaos;
}

const faultlineExperiment = `apiVersion: faultline.dev/v1alpha1
kind: Experiment
metadata: { name: slow-catalog }
spec:
  duration: 30s
  hypothesis:
    probes:
      - name: storefront-answers
        http: { url: "http://127.0.0.1:8080/", timeout: 2s }
        expect: { status: 200 }
  faults:
    - name: slow-catalog
      toxiproxy:
        url: http://127.0.0.1:8474
        proxy: catalog
        toxic: latency
        attributes: { latency: 800 }
        stream: downstream
      start: 5s
      duration: 20s
`;

const chaosExperiment = {
  version: '1.0.0',
  title: 'slow-catalog',
  description: 'The storefront answers while the catalog is slow.',
  'steady-state-hypothesis': {
    title: 'the storefront answers',
    probes: [
      {
        type: 'probe',
        name: 'storefront-answers',
        tolerance: 200,
        provider: { type: 'http', url: 'http://127.0.0.1:8080/', timeout: 2 },
      },
    ],
  },
  method: [
    {
      type: 'action',
      name: 'slow-catalog',
      provider: {
        type: 'http',
        url: 'http://127.0.0.1:8474/proxies/catalog/toxics',
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        arguments: {
          name: 'slow-catalog',
          type: 'latency',
          stream: 'downstream',
          attributes: { latency: 800 },
        },
      },
      pauses: { after: 20 },
    },
  ],
  rollbacks: [
    {
      type: 'action',
      name: 'remove-slow-catalog',
      provider: {
        type: 'http',
        url: 'http://127.0.0.1:8474/proxies/catalog/toxics/slow-catalog',
        method: 'DELETE',
      },
    },
  ],
};

type Measured = { wall: number; cpu: number; rssMb: number };

function measure(command: string[], expectExit = 0): Measured {
  const out = join(dir, 'time.txt');
  const result = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', ...command], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.status !== expectExit)
    throw new Error(`${command.join(' ')}: exit ${result.status}\n${result.stderr}${result.stdout}`);
  const [wall, user, system, rss] = (readFileSync(out, 'utf8').trim().split('\n').at(-1) ?? '')
    .split(' ')
    .map(Number);
  return {
    wall: wall ?? Number.NaN,
    cpu: (user ?? Number.NaN) + (system ?? Number.NaN),
    rssMb: (rss ?? Number.NaN) / 1024,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const build = spawnSync(process.execPath, [join(projectRoot, 'scripts/build.ts')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const chaos = chaosToolkit();
writeFileSync(join(dir, 'slow-catalog.yaml'), faultlineExperiment);
writeFileSync(join(dir, 'slow-catalog.json'), JSON.stringify(chaosExperiment, null, 2));
const faultline = [process.execPath, join(projectRoot, 'dist/faultline.js')];

const cases: [string, string[]][] = [
  ['faultline validate', [...faultline, 'validate', 'slow-catalog.yaml']],
  ['faultline --version', [...faultline, '--version']],
  ['chaos validate', [chaos, '--no-version-check', 'validate', 'slow-catalog.json']],
  ['node -e 0', [process.execPath, '-e', '0']],
];
for (const [, command] of cases) measure(command); // warm the page cache and Node's compile cache
const samples = new Map<string, Measured[]>(cases.map(([name]) => [name, []]));
for (let run = 0; run < runs; run++) {
  for (const [name, command] of cases) samples.get(name)?.push(measure(command));
}

console.log(
  `\nstart-up, whole process, median of ${runs} runs (Node ${process.version}, chaostoolkit ${chaosToolkitVersion}; ` +
    `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} CPUs: wall time needs a quiet machine)`,
);
console.log('command               wall s   cpu s   peak MB');
const medians = new Map<string, Measured>();
for (const [name, values] of samples) {
  const m = {
    wall: median(values.map((v) => v.wall)),
    cpu: median(values.map((v) => v.cpu)),
    rssMb: median(values.map((v) => v.rssMb)),
  };
  medians.set(name, m);
  const columns = [
    m.wall.toFixed(3).padStart(6),
    m.cpu.toFixed(2).padStart(6),
    m.rssMb.toFixed(0).padStart(8),
  ];
  console.log(`${name.padEnd(20)}  ${columns.join('  ')}`);
}
const ours = medians.get('faultline validate');
const theirs = medians.get('chaos validate');
if (ours && theirs) {
  console.log(
    `\nfaultline validate / chaos validate: ${(ours.wall / theirs.wall).toFixed(2)}x wall time, ` +
      `${(ours.cpu / theirs.cpu).toFixed(2)}x CPU time, ${(ours.rssMb / theirs.rssMb).toFixed(2)}x peak memory ` +
      '(goal: <= 0.5x wall time)',
  );
}
console.log('run it again: npm run bench:cli [-- --runs N]');
