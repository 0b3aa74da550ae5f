#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*-bench.mjs in turn (arguments such as --json are passed on).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(
    'usage: npm run bench [-- ARGS]: runs every test/bench/*-bench.mjs in turn, passing ARGS (e.g. --json) to each;\n' +
      'each prints its own usage with: node test/bench/<name>-bench.mjs --help\n',
  );
  process.exit(0);
}
const benches = readdirSync(here)
  // Not this runner itself, whose name also ends in -bench.mjs.
  .filter((f) => f.endsWith('-bench.mjs') && f !== 'run-bench.mjs')
  .sort();
let failed = 0;
for (const bench of benches) {
  process.stderr.write(`\n== ${bench}\n`);
  const r = spawnSync(process.execPath, [join(here, bench), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`${bench} failed (${r.signal ?? `exit ${r.status}`})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
