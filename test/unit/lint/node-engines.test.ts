import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * The Node versions package.json (and the README) name must be ones every
 * locked dependency accepts: otherwise `npm ci` on the stated version warns
 * that a dependency needs a newer Node.
 */
/** npm's own range reader (installed with the toolchain; it ships no types, so its few functions are typed here). */
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
  major(version: string): number;
  minor(version: string): number;
};

describe('the stated Node version and the dependencies agree', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { engines?: unknown }> };
  // The lowest version of each alternative of the stated range (e.g. 22.13.0 and 24.0.0 for "^22.13.0 || >=24.0.0").
  const lowest = pkg.engines.node.split('||').map((part) => semver.minVersion(part.trim())!.version);

  it.each(lowest)('every locked package accepts Node %s', (version) => {
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => typeof p.engines === 'object' && p.engines !== null && typeof (p.engines as { node?: unknown }).node === 'string')
      .filter(([, p]) => !semver.satisfies(version, (p.engines as { node: string }).node))
      .map(([name, p]) => `${name.replace(/^.*node_modules\//, '')} needs ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });

  it('the README names the same versions', () => {
    const readme = readFileSync('README.md', 'utf8');
    const majors = lowest.map((v) => `${semver.major(v)}${semver.minor(v) ? `.${semver.minor(v)}` : ''}`);
    for (const m of majors) expect(readme).toMatch(new RegExp(`Node\\.js[^\\n]*\\b${m.replace('.', '\\.')}\\+`));
  });
});
