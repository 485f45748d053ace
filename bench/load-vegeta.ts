// vegeta for the load bench: built once from the Go module proxy into
// $FAULTLINE_CACHE/vegeta-<version>/ (default ~/.cache/faultline), then one attack per rate,
// its CPU time from /usr/bin/time and its figures from `vegeta report -type=json`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const vegetaVersion = '12.13.0';

export function ensureVegeta(): string {
  const dir = join(
    process.env.FAULTLINE_CACHE ?? join(homedir(), '.cache', 'faultline'),
    `vegeta-${vegetaVersion}`,
  );
  const binary = join(dir, 'vegeta');
  if (existsSync(binary)) return binary;
  const staging = `${dir}.tmp-${process.pid}`;
  mkdirSync(staging, { recursive: true });
  process.stderr.write(`building vegeta v${vegetaVersion} into ${dir} (once; about a minute)\n`);
  execFileSync('go', ['install', '-ldflags', '-s -w', `github.com/tsenart/vegeta/v12@v${vegetaVersion}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      GOBIN: staging,
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
      GOFLAGS: '-trimpath -modcacherw',
    },
  });
  mkdirSync(join(dir, '..'), { recursive: true });
  renameSync(staging, dir);
  return binary;
}

export type AttackFigures = {
  requests: number;
  /** Requests per second as vegeta sent them (its `rate`: requests over the span of sending). */
  rate: number;
  success: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuMs: number;
  errors: string[];
};

export async function runVegeta(
  binary: string,
  workDir: string,
  url: string,
  rate: number,
  durationMs: number,
  timeoutMs: number,
  goMaxProcs: string | undefined,
): Promise<AttackFigures> {
  const targets = join(workDir, 'targets.txt');
  const results = join(workDir, `results-${rate}.bin`);
  const timing = join(workDir, `time-${rate}.txt`);
  writeFileSync(targets, `GET ${url}\n`);
  const attack = spawn(
    '/usr/bin/time',
    [
      '-f',
      '%U %S',
      '-o',
      timing,
      binary,
      'attack',
      `-rate=${rate}/1s`,
      `-duration=${durationMs}ms`,
      `-timeout=${timeoutMs}ms`,
      `-targets=${targets}`,
      `-output=${results}`,
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: goMaxProcs ? { ...process.env, GOMAXPROCS: goMaxProcs } : process.env,
    },
  );
  const code = await new Promise<number | null>((resolve) => attack.once('exit', resolve));
  if (code !== 0) throw new Error(`vegeta attack at ${rate}/s exited ${code}`);
  const [user = 0, system = 0] = readFileSync(timing, 'utf8').trim().split(/\s+/).map(Number);
  const report = JSON.parse(execFileSync(binary, ['report', '-type=json', results], { encoding: 'utf8' }));
  rmSync(results, { force: true });
  const ms = (ns: number) => ns / 1e6;
  return {
    requests: report.requests,
    rate: report.rate,
    success: report.success,
    p50Ms: ms(report.latencies['50th']),
    p99Ms: ms(report.latencies['99th']),
    maxMs: ms(report.latencies.max),
    cpuMs: (user + system) * 1000,
    errors: report.errors ?? [],
  };
}
