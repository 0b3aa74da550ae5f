#!/usr/bin/env node
// Issue 13: the lab-VDDK restore of a point against the repository → raw file export of the same point.
// Goal: the VDDK path ≥ 0.9 × the export's rate, i.e. the restore's copy ≤ 1.11 × the export's write.
//
//   node test/bench/lab-restore-bench.mjs [--size MiB] [--runs N] [--transports nbdssl,nbd]
//                                         [--api-transports hotadd,nbdssl|none] [--json] [--keep] [--profile]
//
// A --size MiB image (default 1024, half of it data: random, duplicated and text blocks, holes between)
// is imported (`lifeboat import`) as one point. The lab (`lifeboat lab start`, vCenter mode) keeps its
// datastores in this bench's work folder, on the same file system as the export, so both write to the
// same disk. Each run, in turn (the order reverses every other run):
//   - `lifeboat export --format raw` of the point: its write seconds (`seconds` of --json; it verifies
//     afterwards, which is not counted);
//   - `lifeboat restore --transport T --no-verify` of the point into the lab as a new VM, for each
//     --transports: the write-disks step and the copy alone from the restore report, and the command's wall time;
//   - for each --api-transports, the same restore job through the engine API against a lab of its own
//     (lab-restore-api.mjs: the CLI cannot pick HotAdd on a machine that is not a VM the lab knows);
//   - the VDDK path's floor: the same pieces from memory through the lab VDDK, and with pwrite (lab-vddk-floor.mjs).
// Ratios are per run (restore / export), median of --runs. The report's VDDK call totals (the worker's time
// per call, queueing behind earlier calls included) say where the copy's time goes; --profile adds
// `node --cpu-prof` of the CLI (the engine's main thread) for one restore per transport and one export, and of
// the VDDK worker process of the floor step, summarised in the output (files in test-output/bench/profiles/).
// Needs Go and govmomi for the lab (see `lifeboat lab start --help`) and `npm run build:native` (the addon
// and the lab VDDK). JSON: test-output/bench/lab-restore.json.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBenchArgs, runsCheck, sizeCheck } from './bench-args.mjs';
import { bundleCli, labVddkDir, outDir } from './bench-bundle.mjs';
import { cliEnv, fail, failureText, labConnectionArgs, leaveLabWork, mustSucceed, runCli } from './bench-cli.mjs';
import { writeMixedImage } from './bench-image.mjs';
import { printReport, saveReport } from './bench-report.mjs';
import { median, pairRatio } from './bench-stats.mjs';
import { tableLines } from './bench-table.mjs';
import { formatCpuProfile, summariseCpuProfile } from './cpu-profile-summary.mjs';
import { imagePieces, loadVddkLayer, vddkFloor } from './lab-vddk-floor.mjs';
import { loadRestoreApi, startApiLab } from './lab-restore-api.mjs';

const MiB = 1024 * 1024;
// HotAdd through the CLI needs this workstation to be a VM the lab knows (the planner finds the proxy VM by the
// machine's DMI product UUID, XPORT-HOTADD-SAME-VCENTER); a container has none, so it is not a default here.
const TRANSPORTS = ['nbdssl', 'nbd', 'hotadd'];

function parseArgs(argv) {
  return parseBenchArgs(argv, {
    name: 'lab-restore-bench',
    usage:
      'usage: node test/bench/lab-restore-bench.mjs [--size MiB (default 1024)] [--runs N (default 3)] [--transports nbdssl,nbd] [--api-transports hotadd,nbdssl|none] [--json] [--keep] [--profile]',
    defaults: {
      sizeMiB: 1024,
      runs: 3,
      transports: ['nbdssl', 'nbd'],
      api: ['hotadd', 'nbdssl'],
      json: false,
      keep: false,
      profile: false,
    },
    flags: { '--json': 'json', '--keep': 'keep', '--profile': 'profile' },
    options: {
      '--size': ['sizeMiB', Number],
      '--runs': ['runs', Number],
      '--transports': ['transports', (v) => String(v).split(',')],
      '--api-transports': ['api', (v) => (String(v) === 'none' ? [] : String(v).split(','))],
    },
    checks: [
      sizeCheck(64, 16),
      runsCheck,
      ({ transports, api }) =>
        [...transports, ...api].some((t) => !TRANSPORTS.includes(t)) || transports.length === 0
          ? `--transports (CLI) takes a comma list of nbdssl, nbd; --api-transports one of ${TRANSPORTS.join(', ')} or none`
          : null,
    ],
  });
}

/** `node --cpu-prof` flags for the CLI (the engine's main thread) into a fresh `dir`; NODE_OPTIONS may not carry them, so the
 * VDDK worker process it spawns is not profiled: the report's VDDK call times stand for it. */
function profileFlags(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** The write-disks step of a restore report, in seconds: the copy of every disk (one disk here). */
function copySeconds(report) {
  const step = report.steps.find((s) => s.phase === 'write-disks');
  if (!step || step.durationSeconds === null)
    fail(`the restore report has no timed write-disks step: ${JSON.stringify(report.steps)}`);
  return step.durationSeconds;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (t) => process.stderr.write(`${t}\n`);
  if (process.platform !== 'linux') {
    log('lab-restore-bench: the lab VDDK is Linux-only; nothing to measure here');
    return;
  }
  if (!existsSync(join(labVddkDir, 'lib64', 'libvixDiskLib.so.8')))
    fail('the lab VDDK is not built; run `npm run build:native` first.');
  const cli = await bundleCli(join(outDir, 'lab-restore-bench-cli.cjs'));
  const work = mkdtempSync(join(tmpdir(), 'lifeboat-lab-restore-bench-'));
  const env = cliEnv(work);
  const repo = join(work, 'repo');
  const pwFile = join(work, 'repo-password');
  writeFileSync(pwFile, `${randomBytes(18).toString('base64')}\n`, { mode: 0o600 });
  const repoArgs = ['--repo', repo, '--password-file', pwFile];
  const profileDir = join(outDir, 'profiles');
  let labStarted = false;
  const t = { export: [], exportWall: [], exportVerify: [] };
  const vddkCalls = {};
  for (const tr of new Set([...args.transports, ...args.api])) {
    t[`${tr}Floor`] = [];
    t[`${tr}Pwrite`] = [];
  }
  for (const tr of args.api) {
    t[`api-${tr}`] = [];
    t[`api-${tr}Job`] = [];
    t[`api-${tr}Busy`] = [];
    t[`api-${tr}Cpu`] = [];
  }
  for (const tr of args.transports) {
    t[tr] = [];
    t[`${tr}Wall`] = [];
    t[`${tr}Copy`] = [];
    t[`${tr}Rate`] = [];
    vddkCalls[tr] = [];
  }
  const exportRate = [];
  // The plan's requests in flight (XPORT-ALIGNED-BUFFERS): NBD(SSL) 4, HotAdd 1; a CLI restore's plan replaces these.
  const depth = Object.fromEntries([...args.transports, ...args.api].map((tr) => [tr, tr === 'hotadd' ? 1 : 4]));
  const vddkLayer = await loadVddkLayer(outDir);
  try {
    const image = join(work, 'disk.img');
    log(`image: ${args.sizeMiB} MiB with ${args.sizeMiB / 2} MiB of data; import…`);
    writeMixedImage(image, args.sizeMiB, args.sizeMiB / 2, 2);
    mustSucceed('lifeboat repo init', await runCli(cli, ['--json', 'repo', 'init', ...repoArgs], env));
    const imported = mustSucceed(
      'lifeboat import',
      await runCli(cli, ['--json', 'import', image, ...repoArgs, '--name', 'bench-vm'], env),
    );
    const pointId =
      imported.manifest?.id ??
      imported.pointId ??
      fail(`lifeboat import printed no point id: ${JSON.stringify(imported).slice(0, 500)}`);
    rmSync(image);

    log('starting the lab (datastores in the work folder, beside the export)…');
    const lab = mustSucceed(
      'lifeboat lab start',
      await runCli(
        cli,
        ['--json', 'lab', 'start', '--mode', 'vcenter', '--vms', '0', '--datastore-root', join(work, 'datastores')],
        env,
      ),
    );
    labStarted = true;
    const connArgs = labConnectionArgs(lab, work);
    const datastore = 'LocalDS_0';

    const out = join(work, 'export.raw');
    let n = 0;
    const exportStep = async (profile) => {
      const run = await runCli(
        cli,
        ['--json', 'export', '--point', pointId, '--disk', '2000', '--format', 'raw', '--out', out, '--force', ...repoArgs],
        env,
        profile ? profileFlags(join(profileDir, 'lab-restore-export')) : [],
      );
      const doc = mustSucceed('lifeboat export', run);
      if (doc.verification?.ok !== true) fail(`the export did not verify: ${JSON.stringify(doc).slice(0, 1000)}`);
      rmSync(out, { force: true });
      return { write: doc.seconds, verify: doc.verification.seconds, wall: run.seconds, rate: doc.megabytesPerSecond };
    };
    const restoreStep = async (transport, profile) => {
      const name = `bench-${transport}-${n++}`;
      const run = await runCli(
        cli,
        [
          '--json',
          'restore',
          ...repoArgs,
          '--point',
          pointId,
          '--connection',
          'lab',
          '--datastore',
          datastore,
          '--name',
          name,
          '--transport',
          transport,
          '--no-verify',
          '--yes',
          ...connArgs,
        ],
        env,
        profile ? profileFlags(join(profileDir, `lab-restore-${transport}`)) : [],
      );
      const doc = mustSucceed(`lifeboat restore (${transport})`, run);
      if (doc.event !== 'result' || doc.ok !== true)
        fail(`the ${transport} restore did not succeed:\n${run.stdout.slice(-3000)}`);
      const disk = doc.disks[0];
      // The plan's request size and depth for this disk (XPORT-ALIGNED-BUFFERS), for the floor below.
      const planLine = run.stdout.split('\n').find((l) => l.startsWith('{"event":"plan"'));
      const planned = planLine ? JSON.parse(planLine).plan.disks[0] : null;
      if (disk.transportUsed !== transport) fail(`the restore asked for ${transport} but used ${disk.transportUsed}`);
      // The copy alone (copyDisk's own clock, from the report's rate): without the disk's open and close.
      const copyOnly = disk.megabytesPerSecond
        ? (disk.bytesWritten + disk.bytesZeroSkipped) / 1e6 / disk.megabytesPerSecond
        : null;
      return {
        step: copySeconds(doc),
        copyOnly,
        wall: run.seconds,
        rate: copyOnly ? disk.bytesWritten / 1e6 / copyOnly : null,
        vddkCalls: doc.vddkCalls,
        vmName: name,
        inFlight: planned?.inFlight ?? null,
        ioBytes: planned?.ioBytes ?? null,
      };
    };

    const dsFolder = lab.datastores?.find((d) => d.name === datastore)?.folder ?? join(work, 'datastores', datastore);
    const api = args.api.length > 0 ? await loadRestoreApi(outDir) : null;
    const apiLab = api
      ? await startApiLab(api, { dir: join(work, 'api'), repoDir: repo, password: readFileSync(pwFile, 'utf8').trim(), pointId })
      : null;
    try {
      const floorOf = async (tr) => {
        // The same pieces from memory through the lab VDDK, and with pwrite: the VDDK path's own floor.
        const floor = await vddkFloor(vddkLayer, work, {
          capacity: args.sizeMiB * MiB,
          pieces: imagePieces(args.sizeMiB),
          transport: tr,
          depth: depth[tr],
        });
        t[`${tr}Floor`].push(floor.vddkSeconds);
        t[`${tr}Pwrite`].push(floor.pwriteSeconds);
      };
      for (let i = 0; i < args.runs; i++) {
        log(`run ${i + 1}/${args.runs}…`);
        const steps = [
          async () => {
            const ex = await exportStep(false);
            t.export.push(ex.write);
            t.exportVerify.push(ex.verify);
            t.exportWall.push(ex.wall);
            exportRate.push(ex.rate);
          },
          ...args.transports.map((tr) => async () => {
            const r = await restoreStep(tr, false);
            t[tr].push(r.step);
            t[`${tr}Copy`].push(r.copyOnly);
            t[`${tr}Wall`].push(r.wall);
            t[`${tr}Rate`].push(r.rate);
            vddkCalls[tr].push(r.vddkCalls);
            depth[tr] = r.inFlight ?? depth[tr];
            // Each restored VM's disk stays in the lab datastore: remove it so the disk does not fill.
            rmSync(join(dsFolder, r.vmName), { recursive: true, force: true });
            await floorOf(tr);
          }),
          ...args.api.map((tr) => async () => {
            const r = await apiLab.restore(tr, `bench-api-${tr}-${i}`);
            t[`api-${tr}`].push(r.copy);
            t[`api-${tr}Job`].push(r.jobSeconds);
            t[`api-${tr}Busy`].push(r.mainThreadBusy);
            t[`api-${tr}Cpu`].push(r.cpuPerWall);
            if (!args.transports.includes(tr)) await floorOf(tr);
          }),
        ];
        // Reversed every other run: no step always meets another's writeback.
        for (const step of i % 2 === 0 ? steps : [...steps].reverse()) await step();
      }
    } finally {
      await apiLab?.close();
    }
    let profiles = null;
    if (args.profile) {
      mkdirSync(profileDir, { recursive: true });
      await exportStep(true);
      const floors = [...new Set([...args.transports, ...args.api])];
      for (const tr of floors) {
        if (args.transports.includes(tr)) await restoreStep(tr, true);
        await vddkFloor(vddkLayer, work, {
          capacity: args.sizeMiB * MiB,
          pieces: imagePieces(args.sizeMiB),
          transport: tr,
          depth: depth[tr],
          profileDir: profileFlags(join(profileDir, `lab-restore-floor-${tr}`))[1].slice('--cpu-prof-dir='.length),
        });
      }
      // Per step: the CLI's process (the engine's main thread); for a floor, the VDDK worker process.
      profiles = Object.fromEntries(
        ['export', ...args.transports, ...floors.map((tr) => `floor-${tr}`)].map((step) => {
          const dir = join(profileDir, `lab-restore-${step}`);
          const summaries = readdirSync(dir)
            .filter((f) => f.endsWith('.cpuprofile'))
            .map((f) => {
              const s = summariseCpuProfile(join(dir, f));
              const proc = s.scripts.some((u) => u.startsWith('lab-restore-bench-cli'))
                ? 'CLI main thread'
                : s.scripts.some((u) => u.includes('worker'))
                  ? 'VDDK worker process'
                  : `other (${s.scripts.slice(0, 2).join(', ')})`;
              return { process: proc, file: join(dir, f), ...s };
            });
          return [step, summaries];
        }),
      );
    }

    const pair = (a, b) => pairRatio(t[a], t[b]);
    const apiRows = args.api.flatMap((tr) => [
      {
        workload: `lab VDDK restore (${tr}, engine API) copy / raw export write, same point`,
        lifeboatSeconds: median(t[`api-${tr}`]),
        peerSeconds: median(t.export),
        ratio: pair(`api-${tr}`, 'export'),
        goal: '≤ 1.11 (rate ≥ 0.9×)',
      },
      ...(args.transports.includes(tr)
        ? []
        : [
            {
              workload: `same pieces from memory: lab VDDK (${tr}, ${depth[tr]} in flight) / pwrite (VDDK path alone)`,
              lifeboatSeconds: median(t[`${tr}Floor`]),
              peerSeconds: median(t[`${tr}Pwrite`]),
              ratio: pair(`${tr}Floor`, `${tr}Pwrite`),
              goal: '—',
            },
          ]),
      {
        workload: `restore copy (${tr}, engine API) / the lab VDDK writing the same pieces from memory`,
        lifeboatSeconds: median(t[`api-${tr}`]),
        peerSeconds: median(t[`${tr}Floor`]),
        ratio: pair(`api-${tr}`, `${tr}Floor`),
        goal: '—',
      },
    ]);
    const cliRows = args.transports.flatMap((tr) => [
      {
        // Both sides open, copy and close: the restore's write-disks step (VDDK open … Close) vs the export's write.
        workload: `lab VDDK restore (${tr}) write step / raw export write, same point`,
        lifeboatSeconds: median(t[tr]),
        peerSeconds: median(t.export),
        ratio: pair(tr, 'export'),
        goal: '≤ 1.11 (rate ≥ 0.9×)',
      },
      {
        workload: `same, the restore's copy alone (no VDDK open/close) / export write`,
        lifeboatSeconds: median(t[`${tr}Copy`]),
        peerSeconds: median(t.export),
        ratio: pair(`${tr}Copy`, 'export'),
        goal: '—',
      },
      {
        workload: `same pieces from memory: lab VDDK (${tr}, ${depth[tr]} in flight) / pwrite (VDDK path alone)`,
        lifeboatSeconds: median(t[`${tr}Floor`]),
        peerSeconds: median(t[`${tr}Pwrite`]),
        ratio: pair(`${tr}Floor`, `${tr}Pwrite`),
        goal: '—',
      },
      {
        workload: `restore copy (${tr}) / the lab VDDK writing the same pieces from memory`,
        lifeboatSeconds: median(t[`${tr}Copy`]),
        peerSeconds: median(t[`${tr}Floor`]),
        ratio: pair(`${tr}Copy`, `${tr}Floor`),
        goal: '—',
      },
      {
        workload: `same, whole commands: restore --no-verify (${tr}) / export (writes and verifies)`,
        lifeboatSeconds: median(t[`${tr}Wall`]),
        peerSeconds: median(t.exportWall),
        ratio: pair(`${tr}Wall`, 'exportWall'),
        goal: '—',
      },
    ]);
    const rows = [...cliRows, ...apiRows];
    // Where a transport's copy goes: VDDK calls' milliseconds (the worker's own timing of each call), last run.
    const callShares = Object.fromEntries(
      args.transports.map((tr) => {
        const calls = vddkCalls[tr][vddkCalls[tr].length - 1] ?? {};
        return [tr, calls];
      }),
    );
    const report = {
      bench: 'lab-restore',
      runs: args.runs,
      image: { capacityMiB: args.sizeMiB, dataMiB: args.sizeMiB / 2 },
      pointId,
      medians: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])),
      exportMegabytesPerSecond: median(exportRate),
      rows,
      vddkCalls: callShares,
      all: t,
      profiles,
    };
    const jsonPath = saveReport('lab-restore.json', report);
    if (args.json) {
      printReport(report);
      return;
    }
    const table = [['workload', 'restore s', 'export s', 'ratio', 'goal']];
    for (const r of rows)
      table.push([r.workload, r.lifeboatSeconds.toFixed(2), r.peerSeconds.toFixed(2), r.ratio.toFixed(2), r.goal]);
    const lines = [
      `Lab VDDK restore vs raw export of the same point: ${args.sizeMiB} MiB disk, ${args.sizeMiB / 2} MiB of data, median of ${args.runs} (lower is better)`,
      ...tableLines(table),
      `export write ${report.exportMegabytesPerSecond.toFixed(0)} MB/s of data (verify afterwards ${report.medians.exportVerify.toFixed(2)} s); restore copy rate of data: ${args.transports
        .map((tr) => `${tr} ${median(t[`${tr}Rate`]).toFixed(0)} MB/s`)
        .join(', ')}`,
      ...args.transports.map((tr) => {
        const calls = callShares[tr];
        const top = Object.entries(calls)
          .map(([fn, c]) => [fn, c.totalMs ?? c.ms ?? 0, c.calls ?? 0])
          .sort((a, b) => b[1] - a[1])
          .slice(0, 4)
          .map(([fn, ms, count]) => `${fn} ${count}× ${(ms / 1000).toFixed(2)} s`);
        return `VDDK calls of the last ${tr} restore: ${top.join(', ') || 'none reported'}`;
      }),
      ...args.api.map((tr) => {
        const m = (k) => median(t[`api-${tr}${k}`]);
        return `engine API restore (${tr}): during the copy the engine's main thread was busy ${(100 * m('Busy')).toFixed(0)} % (event-loop utilisation) and its process used ${m('Cpu').toFixed(2)} CPU/wall (job ${m('Job').toFixed(2)} s, copy ${m('').toFixed(2)} s)`;
      }),
      ...(profiles
        ? Object.entries(profiles).flatMap(([step, list]) =>
            list.map((s) => `profile, ${step}, ${s.process}: ${formatCpuProfile(s)}`),
          )
        : []),
      `JSON: ${jsonPath}`,
    ].filter(Boolean);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await leaveLabWork('lab-restore-bench', { cli, env, work, labStarted, keep: args.keep });
  }
}

main().catch((err) => {
  process.stderr.write(`lab-restore-bench: ${failureText(err)}\n`);
  process.exitCode = 1;
});
