// A bench's JSON report: always written to test-output/bench/<name>, printed too with --json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outDir } from './bench-bundle.mjs';

/** Writes `report` to test-output/bench/`fileName`; returns the file's path. */
export function saveReport(fileName, report) {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, fileName);
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
  return path;
}

/** `report` on stdout, as --json prints it. */
export function printReport(report) {
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}
