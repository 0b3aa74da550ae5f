#!/usr/bin/env node
// Issue 13: `repo list` and `repo verify` time as the repository grows to 50 points, next to restic.
//
//   node test/bench/repository-growth-bench.mjs [--points N] [--size MiB] [--runs N] [--json] [--keep] [--profile]
//
// One small disk image (--size MiB, default 64, half allocated) changes a little between points, as a
// VM's disk does between backups: every point rewrites 1/16 of its data blocks with new random data and
// keeps the rest, so each point adds ~1/16 new chunks and dedups the rest. Point k is imported into a
// Lifeboat repository (engine API, one process: the points are the setup, not the measure) and backed
// up with restic. At 1, 10, 25 and 50 points the real CLI (bundled from electron/cli/main.ts as
// `lifeboat`) runs `repo list`, `repo verify` and `repo verify --read-data` (each a fresh process, as a
// user runs it: start, password KDF, open, work), alternated with `restic snapshots`, `restic check` and
// `restic check --read-data`; median of --runs. The table shows each time and the cost per point between
// checkpoints; when it grows faster than linearly the bench says so, and --profile writes
// `node --cpu-prof` profiles of the Lifeboat commands at the last checkpoint to test-output/bench/profiles/.
// Needs restic on PATH (its columns say how to install it when missing). JSON: test-output/bench/repository-growth.json.
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, rangeCheck, runsCheck, sizeCheck } from './bench-args.mjs';
import { bundleCli, loadSource, outDir } from './bench-bundle.mjs';
import { outputOrNull, timedRun } from './bench-process.mjs';
import { printReport, saveReport } from './bench-report.mjs';
import { median } from './bench-stats.mjs';
import { tableLines } from './bench-table.mjs';
import { formatCpuProfile, summariseCpuProfile } from './cpu-profile-summary.mjs';
import { growsWorseThanLinearly } from './growth-verdict.mjs';

const MiB = 1024 * 1024;
const RESTIC_HINT = 'restic not found: install it with `apt-get install restic` for the restic columns';

function parseArgs(argv) {
  return parseBenchArgs(argv, {
    name: 'repository-growth-bench',
    usage:
      'usage: node test/bench/repository-growth-bench.mjs [--points N (default 50)] [--size MiB (default 64)] [--runs N (default 3)] [--json] [--keep] [--profile]',
    defaults: { points: 50, sizeMiB: 64, runs: 3, json: false, keep: false, profile: false },
    flags: { '--json': 'json', '--keep': 'keep', '--profile': 'profile' },
    options: { '--points': ['points', Number], '--size': ['sizeMiB', Number], '--runs': ['runs', Number] },
    checks: [rangeCheck('--points', 'points', 1, 500), sizeCheck(32, 32), runsCheck],
  });
}

/** The engine's import (to make the points) and the CLI (to measure), bundled from source. */
async function bundles() {
  const engine = await loadSource(join(outDir, 'repository-growth-engine.cjs'), [
    "export { Repository } from './electron/repository/repository';",
    "export { LocalFolderBackend } from './electron/repository/local-folder-backend';",
    "export { importImageFile } from './electron/restore-points/image-import';",
  ]);
  return { engine, cli: await bundleCli(join(outDir, 'repository-growth-cli.cjs')) };
}

/** The disk at point k: block i holds generation floor((k + i) / 16) of its data, so 1/16 of the blocks change per point. */
function writePointImage(path, sizeMiB, k, seed) {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, sizeMiB * MiB);
  const blocks = sizeMiB / 2;
  const words = Buffer.from('restore point datastore snapshot change tracking lifeboat '.repeat(20000).slice(0, MiB));
  for (let i = 0; i < blocks; i++) {
    const generation = Math.floor((k + i) / 16);
    // Every fourth block is compressible text, the rest random data that is the same within a generation.
    const block = i % 4 === 3 ? words : seededBlock(seed, i, generation);
    writeSync(fd, block, 0, MiB, i * 2 * MiB);
  }
  closeSync(fd);
}

/** 1 MiB of data that depends only on (seed, block, generation): the same block in the same generation dedups. */
function seededBlock(seed, block, generation) {
  const out = Buffer.alloc(MiB);
  let x = (seed ^ Math.imul(block + 1, 0x9e3779b1) ^ Math.imul(generation + 1, 0x85ebca6b)) >>> 0 || 1;
  for (let o = 0; o < MiB; o += 4) {
    // xorshift32: cheap, incompressible enough for zstd at level 3.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, o);
  }
  return out;
}

/** Wall seconds of `cmd args`, whose output `check` may refuse (by throwing). */
function timed(cmd, args, env, check) {
  const r = timedRun(cmd, args, { env });
  if (check) check(r.stdout);
  return r.seconds;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (t) => process.stderr.write(`${t}\n`);
  const work = mkdtempSync(join(tmpdir(), 'lifeboat-growth-'));
  const imageMiB = args.sizeMiB;
  const checkpoints = [1, 10, 25, 50, args.points].filter((n, i, all) => n <= args.points && all.indexOf(n) === i);
  const restic = outputOrNull('restic', ['version']);
  if (!restic) log(RESTIC_HINT);
  try {
    const { engine, cli } = await bundles();
    const password = randomBytes(18).toString('base64');
    const pwFile = join(work, 'password');
    writeFileSync(pwFile, password, { mode: 0o600 });
    const repoDir = join(work, 'lifeboat-repo');
    const resticDir = join(work, 'restic-repo');
    // No keychain and no saved settings: the password comes from the file, as in a script.
    const lbEnv = { ...process.env, LIFEBOAT_HOME: join(work, 'home'), LIFEBOAT_REPO: '', LIFEBOAT_REPO_PASSWORD_FILE: '' };
    const rsEnv = {
      ...process.env,
      RESTIC_PASSWORD_FILE: pwFile,
      RESTIC_REPOSITORY: resticDir,
      RESTIC_CACHE_DIR: join(work, 'restic-cache'),
    };
    const lb = (extra, ...a) => [...extra, cli, '--json', 'repo', ...a, '--repo', repoDir, '--password-file', pwFile];
    const listed = (n) => (out) => {
      const doc = JSON.parse(out);
      if (doc.points?.length !== n) throw new Error(`repo list showed ${doc.points?.length} points, expected ${n}`);
    };
    const verified = (out) => {
      const doc = JSON.parse(out);
      if (doc.ok !== true) throw new Error(`repo verify did not pass: ${out.slice(0, 800)}`);
    };
    const repo = await engine.Repository.init(new engine.LocalFolderBackend(repoDir), password);
    if (restic) timed('restic', ['init'], rsEnv);
    const image = join(work, 'disk.img');
    const seed = randomBytes(4).readUInt32LE(0);
    const stages = [];
    const cliStart = [];
    let made = 0;
    let importSeconds = 0;
    let resticBackupSeconds = 0;
    for (const n of checkpoints) {
      log(`points ${made + 1}…${n}…`);
      for (; made < n; made++) {
        writePointImage(image, imageMiB, made, seed);
        const t0 = process.hrtime.bigint();
        await engine.importImageFile(repo, image, { name: 'growth-vm' });
        importSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
        if (restic) resticBackupSeconds += timed('restic', ['backup', '--quiet', '--host', 'bench', image], rsEnv);
      }
      const t = { list: [], verify: [], verifyData: [], rsSnapshots: [], rsCheck: [], rsCheckData: [] };
      for (let r = 0; r < args.runs; r++) {
        // The CLI's own start (node, bundle load, no repository), the floor under every command.
        cliStart.push(timed(process.execPath, [cli, '--help'], lbEnv));
        // Lifeboat then restic, then the other way round in the next run, so neither always goes first.
        const pairs = [
          [
            () => t.list.push(timed(process.execPath, lb([], 'list'), lbEnv, listed(n))),
            () => restic && t.rsSnapshots.push(timed('restic', ['snapshots', '--json'], rsEnv)),
          ],
          [
            () => t.verify.push(timed(process.execPath, lb([], 'verify'), lbEnv, verified)),
            () => restic && t.rsCheck.push(timed('restic', ['check'], rsEnv)),
          ],
          [
            () => t.verifyData.push(timed(process.execPath, lb([], 'verify', '--read-data'), lbEnv, verified)),
            () => restic && t.rsCheckData.push(timed('restic', ['check', '--read-data'], rsEnv)),
          ],
        ];
        for (const [a, b] of pairs) {
          if (r % 2 === 0) {
            a();
            b();
          } else {
            b();
            a();
          }
        }
      }
      const stats = await repo.stats();
      stages.push({
        points: n,
        repositoryBytes: stats,
        ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.length > 0 ? median(v) : null])),
      });
    }
    let profiles = null;
    if (args.profile) {
      const dir = join(outDir, 'profiles');
      mkdirSync(dir, { recursive: true });
      const flags = (name) => [
        '--cpu-prof',
        '--cpu-prof-dir',
        dir,
        '--cpu-prof-name',
        `repository-growth-${name}-${made}.cpuprofile`,
      ];
      timed(process.execPath, lb(flags('list'), 'list'), lbEnv, listed(made));
      timed(process.execPath, lb(flags('verify'), 'verify'), lbEnv, verified);
      timed(process.execPath, lb(flags('verify-read-data'), 'verify', '--read-data'), lbEnv, verified);
      profiles = Object.fromEntries(
        ['list', 'verify', 'verify-read-data'].map((name) => {
          const file = join(dir, `repository-growth-${name}-${made}.cpuprofile`);
          // Where a point's listing goes: the repository's open, listing the points folder, loading each manifest.
          const calls = ['open', 'scanPoints', 'pointIds', 'resolvePointId', 'list', 'loadPoint', 'verifyRepository'];
          return [name, { file, ...summariseCpuProfile(file, 12, calls) }];
        }),
      );
    }

    // Cost per point between checkpoints: the same per-point cost all along is linear growth.
    const slope = (key) =>
      stages.slice(1).map((s, i) => {
        const prev = stages[i];
        return s[key] === null ? null : ((s[key] - prev[key]) / (s.points - prev.points)) * 1000;
      });
    const keys = ['list', 'verify', 'verifyData', 'rsSnapshots', 'rsCheck', 'rsCheckData'];
    const perPointMs = Object.fromEntries(keys.map((k) => [k, slope(k)]));
    const superlinear = Object.fromEntries(keys.map((k) => [k, growsWorseThanLinearly(stages, k)]));
    const report = {
      bench: 'repository-growth',
      runs: args.runs,
      imageMiB,
      dataMiBPerPoint: imageMiB / 2,
      changedPerPoint: '1/16 of the random blocks',
      restic,
      cliStartSeconds: median(cliStart),
      setup: { points: made, importSeconds, resticBackupSeconds: restic ? resticBackupSeconds : null },
      stages,
      perPointMs,
      superlinear,
      profiles,
    };
    const jsonPath = saveReport('repository-growth.json', report);
    if (args.json) {
      printReport(report);
      return;
    }
    const f = (x) => (x === null ? '—' : x.toFixed(2));
    const table = [
      [
        'points',
        'repo MiB',
        'list s',
        'snapshots s',
        'ratio',
        'verify s',
        'check s',
        'ratio',
        'verify --read-data s',
        'check --read-data s',
        'ratio',
      ],
    ];
    const ratio = (a, b) => (a === null || b === null ? '—' : (a / b).toFixed(2));
    for (const s of stages) {
      const bytes = s.repositoryBytes.packBytes + s.repositoryBytes.indexBytes;
      table.push([
        String(s.points),
        (bytes / MiB).toFixed(0),
        f(s.list),
        f(s.rsSnapshots),
        ratio(s.list, s.rsSnapshots),
        f(s.verify),
        f(s.rsCheck),
        ratio(s.verify, s.rsCheck),
        f(s.verifyData),
        f(s.rsCheckData),
        ratio(s.verifyData, s.rsCheckData),
      ]);
    }
    const lines = [
      `Repository growth: ${imageMiB} MiB image (${imageMiB / 2} MiB data, 1/16 of it new per point), median of ${args.runs}; Lifeboat CLI / restic (lower is better)`,
      ...tableLines(table),
      `cost per added point between checkpoints (ms/point): ${keys
        .map((k) => `${k} ${perPointMs[k].map((x) => (x === null ? '—' : x.toFixed(1))).join(' → ')}`)
        .join('; ')}`,
      `lifeboat --help alone (node start + CLI load): ${report.cliStartSeconds.toFixed(2)} s; setup: ${made} imports ${importSeconds.toFixed(1)} s${restic ? `, restic backups ${resticBackupSeconds.toFixed(1)} s` : ''}`,
      Object.values(superlinear).some(Boolean)
        ? `grows worse than linearly: ${keys.filter((k) => superlinear[k]).join(', ')}${profiles ? '' : ' (run with --profile for CPU profiles)'}`
        : 'every command grows linearly or better in the number of points',
      ...(profiles
        ? Object.entries(profiles).map(([name, p]) => `profile of repo ${name} at ${made} points: ${formatCpuProfile(p, 8)}`)
        : []),
      restic ? '' : RESTIC_HINT,
      `JSON: ${jsonPath}`,
    ].filter(Boolean);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    if (args.keep) process.stderr.write(`work folder kept: ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`repository-growth-bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
