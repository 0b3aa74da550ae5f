// Sandboxed preloads cannot require local modules: bundle preload.ts (with the
// contract it builds window.lifeboat from) into one CommonJS file.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
await build({
  entryPoints: [join(root, 'electron', 'preload.ts')],
  outfile: join(root, 'dist', 'electron', 'preload.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['electron'],
  sourcemap: true,
  logLevel: 'warning',
});
