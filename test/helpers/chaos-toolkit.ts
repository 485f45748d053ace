// Chaos Toolkit itself, for tests that run it side by side with Faultline: installed from PyPI into
// a virtual environment made once under ~/.cache/faultline/ (FAULTLINE_CACHE moves it) with the
// extensions the side-by-side experiments call, and run as a user runs it (`chaos run FILE`), its
// journal read back. Needs python3 with venv (Debian: python3-venv).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The newest chaostoolkit that runs on Debian 12's Python 3.11 (1.20 and later need 3.12). */
export const chaosToolkitPackages = [
  'chaostoolkit==1.19.0',
  'chaostoolkit-lib==1.44.0',
  'chaostoolkit-toxiproxy==0.3.1',
  'chaostoolkit-kubernetes==0.39.0',
];

const cache = process.env.FAULTLINE_CACHE ?? join(homedir(), '.cache', 'faultline');

/** The `chaos` program, installing it first if this set of packages is not installed yet. */
export function installChaosToolkit(log: (line: string) => void = () => {}): string {
  const venv = join(cache, `chaostoolkit-1.19.0-toxiproxy-0.3.1-kubernetes-0.39.0`);
  const chaos = join(venv, 'bin', 'chaos');
  // Written last: a half-made environment (an install killed midway) is made again.
  const complete = join(venv, '.faultline-complete');
  if (existsSync(complete)) return chaos;
  log(`installing ${chaosToolkitPackages.join(' ')} into ${venv} (once)`);
  rmSync(venv, { recursive: true, force: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'pipe' });
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', ...chaosToolkitPackages], {
    stdio: 'pipe',
    timeout: 600_000,
  });
  writeFileSync(complete, `${chaosToolkitPackages.join('\n')}\n`);
  return chaos;
}

type HypothesisCheck = { steady_state_met: boolean; probes: { end: string; tolerance_met: boolean }[] };

/** What a Chaos Toolkit run leaves in its journal.json (the parts the tests read). */
export type ChaosJournal = {
  'chaoslib-version': string;
  status: 'completed' | 'failed' | 'aborted' | 'interrupted';
  deviated: boolean;
  steady_states: {
    before: { steady_state_met: boolean } | null;
    after: HypothesisCheck | null;
    during: HypothesisCheck[];
  };
  run: { activity: { name: string }; start: string; end: string; status: string }[];
  rollbacks: { activity: { name: string }; start: string; end: string; status: string }[];
};

export type ChaosRun = {
  child: ChildProcess;
  exited: Promise<{ exitCode: number | null; output: string; journal: ChaosJournal }>;
};

/** `chaos --no-version-check run FILE --journal-path …` in a directory of its own (its log goes there). */
export function startChaos(chaos: string, args: string[], env: NodeJS.ProcessEnv): ChaosRun {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-chaos-run-'));
  const journalFile = join(dir, 'journal.json');
  const child = spawn(chaos, ['--no-version-check', 'run', '--journal-path', journalFile, ...args], {
    cwd: dir,
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ exitCode: number | null; output: string; journal: ChaosJournal }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exitCode) => {
        try {
          const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as ChaosJournal;
          resolve({ exitCode, output, journal });
        } catch (error) {
          reject(new Error(`chaos wrote no journal (exit ${exitCode}): ${String(error)}\n${output}`));
        }
      });
    },
  );
  return { child, exited };
}

/** Chaos Toolkit's ending in Faultline's words. */
export function chaosVerdict(journal: ChaosJournal): string {
  if (journal.status === 'interrupted') return 'aborted';
  if (journal.deviated) return 'deviated';
  if (journal.steady_states.before?.steady_state_met === false) return 'not-started';
  return journal.status === 'completed' ? 'held' : journal.status;
}

/** When Chaos Toolkit saw the deviation: the end of the first failed probe, during the method or after it. */
export function chaosDetectedAt(journal: ChaosJournal): number | undefined {
  const { during, after } = journal.steady_states;
  const ends = [...(during ?? []), ...(after ? [after] : [])]
    .flatMap((check) => check.probes)
    .filter((probe) => probe.tolerance_met === false)
    .map((probe) => Date.parse(probe.end));
  return ends.length > 0 ? Math.min(...ends) : undefined;
}
