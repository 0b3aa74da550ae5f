// Lint: typescript-eslint recommended, plus the process boundaries of
// docs/conventions.md enforced as import rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layerImports } from './eslint-rules/layer-imports.mjs';

const NODE_BUILTINS = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'net', 'os', 'path', 'process', 'readline', 'stream', 'tls', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

/**
 * The layer table: the engine folders each folder of electron/ may import
 * (npm packages and node built-ins are not listed here). Each folder README's
 * "May import" line names exactly these folders (test/unit/lint checks it).
 */
export const LAYERS = {
  api: [],
  backup: ['disks', 'errors', 'planner', 'repository'],
  // The command line is a front door: it may wire any engine part.
  cli: ['api', 'backup', 'config', 'connections', 'disks', 'engine', 'environment', 'errors', 'jobs', 'keychain', 'lab', 'planner', 'recovery', 'repository', 'restore', 'restore-points', 'serve', 'units', 'vddk', 'vsphere'],
  config: [],
  connections: ['config', 'errors', 'keychain', 'vsphere'],
  disks: [],
  engine: ['api', 'backup', 'config', 'connections', 'environment', 'errors', 'jobs', 'keychain', 'lab', 'planner', 'recovery', 'repository', 'restore', 'restore-points', 'units', 'vddk', 'vsphere'],
  environment: ['api', 'config', 'keychain', 'vddk'],
  errors: [],
  jobs: ['config', 'errors', 'recovery', 'restore'],
  keychain: ['errors'],
  lab: ['config', 'keychain', 'vddk'],
  packaging: [],
  planner: ['units'],
  recovery: ['api', 'config', 'errors', 'planner', 'repository', 'units'],
  repository: ['disks', 'errors', 'keychain', 'units'],
  'restore-points': ['config', 'disks', 'errors', 'repository', 'units'],
  restore: ['api', 'config', 'disks', 'errors', 'planner', 'repository', 'units'],
  security: [],
  serve: ['api', 'engine', 'security'],
  units: [],
  vddk: ['config', 'disks', 'errors'],
  vsphere: [],
};

/** Single files allowed more than their folder, each with the reason. */
export const LAYER_FILE_EXCEPTIONS = {
  'electron/restore/restore-runner.ts': {
    allow: ['connections', 'keychain', 'vddk', 'vsphere'],
    why: 'wires a live restore: opens the saved connection and VDDK and builds the vSphere RestoreTarget; the job (restore-job.ts) reaches vSphere only through that port',
  },
  'electron/restore/vsphere-restore-target.ts': { allow: ['vddk', 'vsphere'], why: 'the vSphere adapter of the RestoreTarget port' },
  'electron/restore/live-restore-facts.ts': { allow: ['vsphere'], why: "gathers the planner's facts from the live target" },
  'electron/restore/live-datastore-facts.ts': { allow: ['vsphere'], why: "describes the target's datastores (per-disk placement) as planner facts" },
  'electron/restore/disk-placement.ts': { allow: ['vsphere'], why: 'part of the vSphere adapter: resolves each disk\'s datastore on the target host' },
  'electron/restore/default-vm-config.ts': { allow: ['vsphere'], why: "part of the vSphere RestoreTarget adapter: the SavedVmConfig an imported point's VM is built from" },
  'electron/restore/target-network-map.ts': { allow: ['vsphere'], why: "part of the vSphere RestoreTarget adapter: maps NICs to the chosen host's networks" },
  'electron/restore/restore-report.ts': { allow: ['vddk'], why: 'the report carries the per-function VDDK call stats (a type and a pure merge), as nbdkit reports them' },
  'electron/backup/vsphere-backup-source.ts': { allow: ['vddk', 'vsphere'], why: 'the vSphere + VDDK adapter of the BackupSource port; the job (backup-job.ts) reaches vSphere and VDDK only through that port' },
  'electron/backup/backup-runner.ts': { allow: ['vsphere'], why: 'wires a live backup from a vim25 session: builds the vSphere + VDDK BackupSource for the job' },
  'electron/backup/backup-manifest.ts': { allow: ['vsphere'], why: "part of the vSphere BackupSource adapter: turns the VM's ConfigInfo into manifest fields" },
  'electron/backup/source-vm-facts.ts': { allow: ['vsphere'], why: "part of the vSphere BackupSource adapter: the VM's datacenter, datastores, storage policy and NVRAM" },
  'electron/backup/stale-backup-snapshots.ts': { allow: ['vsphere'], why: 'part of the vSphere BackupSource adapter: removes the snapshots killed backups left' },
  'electron/restore-points/disk-export.ts': { allow: ['restore'], why: 'an export copies and verifies a point disk with the one disk copier of the restore' },
  'electron/repository/local-folder-backend.ts': { allow: ['config'], why: "the repository's files are written with the one crash-safe atomic write (config/json-file)" },
  'electron/lab/lab-connection.ts': { allow: ['connections', 'vsphere'], why: 'the lab saves itself as a connection, like `lifeboat connect add`' },
  'electron/lab/lab-daemon.ts': { allow: ['connections'], why: "stopping the lab removes the lab's saved connection and its password" },
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'release/**', 'node_modules/**', 'native/build/**', 'test-output/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The renderer has no Node and talks to the engine only through the contract's types.
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.mts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer never imports electron: use window.lifeboat through the bridge.' },
            ...NODE_BUILTINS.map((name) => ({ name, message: 'The renderer has no Node access.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'The renderer has no Node access.' },
            {
              group: ['**/electron/api/*'],
              allowTypeImports: true,
              message: 'Only type imports from the API contract are allowed in the renderer.',
            },
            {
              regex: '(^|/)electron/(?!api/)',
              message: 'The renderer never imports engine code; use the API contract types and the bridge.',
            },
          ],
        },
      ],
    },
  },
  {
    // Layering: each engine folder imports only what its row of the table allows.
    files: ['electron/**/*.ts'],
    plugins: { local: { rules: { 'layer-imports': layerImports } } },
    rules: { 'local/layer-imports': ['error', { layers: LAYERS, files: LAYER_FILE_EXCEPTIONS }] },
  },
  {
    // Engine code never imports electron; only the shell does.
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only electron/main.ts and electron/preload.ts may import electron.' }] },
      ],
    },
  },
);
