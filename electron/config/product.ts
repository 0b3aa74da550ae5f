import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ProductInfo {
  name: string;
  productName: string;
  version: string;
  /** Folder holding package.json: the app root (source tree, dist or asar). */
  root: string;
}

let cached: ProductInfo | undefined;

/** Finds the app's package.json from this file, whether run from source or from dist/. */
export function productInfo(): ProductInfo {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as Record<string, unknown>;
      if (pkg.name === 'lifeboat') {
        cached = {
          name: 'lifeboat',
          productName: String(pkg.productName ?? 'Lifeboat'),
          version: String(pkg.version ?? '0.0.0'),
          root: dir,
        };
        return cached;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Lifeboat cannot find its own package.json above ' + __dirname);
    dir = parent;
  }
}
