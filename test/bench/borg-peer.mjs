// BorgBackup as a bench peer (issue 13: "restore ≤ 0.6 × borg extract"), set up to do the same work as
// a Lifeboat repository:
// - `repokey`: AES-CTR-256 + HMAC-SHA256 (encrypt-then-MAC), authenticated encryption like our AES-256-GCM.
//   `authenticated` would skip encryption (unfair to us); `repokey-blake2` differs only in the MAC, and on
//   this machine's CPU (SHA extensions) SHA-256 hashes ~2.7× faster than BLAKE2b (1630 vs 610 MiB/s in
//   Python's hashlib), so `repokey` is borg's faster encrypting mode here (borg's own advice: pick the
//   faster one for the machine).
// - `--compression zstd,3`: our chunks are zstd at its default level, 3.
// - `--chunker-params fixed,<chunk size>`: fixed-size chunks like ours (borg's advice for disk images);
//   `--sparse` on create skips holes, on extract writes all-zero chunks as holes, as our raw restore does.
// borg comes from Debian's `borgbackup` package (1.2.x): `apt-get install borgbackup`. Nothing in
// `npm test` needs it; without it the bench's borg rows say how to install it.
import { mkdirSync } from 'node:fs';
import { outputOrNull, timedRunWithMemory } from './bench-process.mjs';

export const BORG_INSTALL_HINT = 'borg not found: install it with `apt-get install borgbackup` (Debian/Ubuntu) for the borg rows';

/** The installed borg's version ("1.2.4"), or null when there is none. */
export function borgVersion() {
  return outputOrNull('borg', ['--version'])?.replace(/^borg\s+/, '') ?? null;
}

/** borg under /usr/bin/time for its peak memory, as the restic rows measure restic's. */
function borg(args, env, cwd) {
  const { seconds, maxRssMiB } = timedRunWithMemory('borg', args, { env, cwd });
  return { seconds, maxRssMiB };
}

/**
 * A borg repository in `dir` whose passphrase is in `passwordFile`; its cache, config and security
 * folders live under `home` (never the user's ~/.cache/borg).
 */
export function borgRepository(dir, passwordFile, home, chunkBytes) {
  const env = {
    ...process.env,
    BORG_REPO: dir,
    BORG_PASSCOMMAND: `cat ${passwordFile}`,
    BORG_BASE_DIR: home,
    // A fresh repository each run in a temporary folder: no prompts about it.
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
    BORG_DISPLAY_PASSPHRASE: 'no',
  };
  mkdirSync(home, { recursive: true });
  return {
    init: () => borg(['init', '--encryption=repokey', '--make-parent-dirs'], env),
    /** Backs up `name` from the folder `cwd` (so the archive holds the bare file name) as archive `archive`. */
    create: (archive, cwd, name) =>
      borg(
        ['create', '--compression', 'zstd,3', '--chunker-params', `fixed,${chunkBytes}`, '--sparse', `::${archive}`, name],
        env,
        cwd,
      ),
    /** Extracts archive `archive` into the folder `target` (borg extracts below the current folder). */
    extract: (archive, target) => {
      mkdirSync(target, { recursive: true });
      return borg(['extract', '--sparse', `::${archive}`], env, target);
    },
  };
}
