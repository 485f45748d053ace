// The npm registry this project is developed against lacks the non-Linux builds of some packages
// (Biome ships one optional package per platform), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This adds an entry for each
// missing optional platform package (version, os, cpu, libc from its name); npm skips them on
// other platforms. Run after changing dependencies: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `${path ? `${path}/` : ''}node_modules/${name}`.replace(
      /^.*?node_modules\/(@biomejs)/,
      'node_modules/$1',
    );
    if (lock.packages[key] || lock.packages[`node_modules/${name}`]) continue;
    const os = /darwin|linux|win32|android|freebsd/.exec(name)?.[0];
    const cpu = /arm64|x64|ia32|arm/.exec(name)?.[0];
    if (!os || !cpu) continue;
    lock.packages[`node_modules/${name}`] = {
      version: String(range).replace(/^[\^~=]/, ''),
      cpu: [cpu],
      dev: entry.dev,
      optional: true,
      os: [os],
      ...(name.includes('musl') ? { libc: ['musl'] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries`);
