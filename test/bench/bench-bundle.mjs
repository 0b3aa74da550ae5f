// The engine's TypeScript bundled with esbuild for a bench, so a bench measures this tree without a build
// first: the project's folders, and the bundles written under test-output/bench/ (inside the project, so
// npm packages, resources and native builds are found as in a build).
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const outDir = join(root, 'test-output', 'bench');
/** The lab VDDK `npm run build:native` builds. */
export const labVddkDir = join(root, 'native', 'build', 'labvddk');

/**
 * Bundles `input` (esbuild's entryPoints or stdin) into the CommonJS file `outfile` for node, npm packages left
 * to node_modules; `extra` overrides esbuild options. Returns `outfile`.
 */
export async function bundleForNode(outfile, input, extra = {}) {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    ...input,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile,
    logLevel: 'silent',
    ...extra,
  });
  return outfile;
}

/** Bundles the TypeScript `source` (export lines, resolved from `resolveDir`, the project by default) into `outfile`. */
export function bundleSource(outfile, source, { resolveDir = root, ...extra } = {}) {
  const contents = Array.isArray(source) ? source.join('\n') : source;
  return bundleForNode(outfile, { stdin: { contents, resolveDir, loader: 'ts' } }, extra);
}

/** Bundles `source` into `outfile` and loads it. */
export async function loadSource(outfile, source, options) {
  return loadBundle(await bundleSource(outfile, source, options));
}

/** A bundle loaded as the CommonJS module it is. */
export function loadBundle(outfile) {
  return createRequire(import.meta.url)(outfile);
}

/** The CLI bundled from source: `node <outfile> ARGS` is `lifeboat ARGS` from this tree (what bin/lifeboat.js does). */
export function bundleCli(outfile) {
  return bundleForNode(
    outfile,
    { entryPoints: [join(root, 'electron', 'cli', 'main.ts')] },
    { footer: { js: 'module.exports.runCli(process.argv.slice(2)).then((c) => { process.exitCode = c; });' } },
  );
}

/**
 * The engine's VDDK layer (electron/vddk: `source` resolved there), bundled whole (its npm packages too) for
 * node 20, as the native build's own bench bundles are.
 */
export function loadVddkSource(outfile, source) {
  return loadSource(outfile, source, {
    resolveDir: join(root, 'electron', 'vddk'),
    packages: undefined,
    target: 'node20',
    logLevel: 'error',
  });
}
