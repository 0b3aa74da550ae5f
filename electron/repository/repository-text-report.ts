import { formatBytes } from '../units/byte-units';
import type { PointSummary } from './repository';
import type { PruneReport } from './repository-prune';
import type { VerifyReport } from './repository-verify';
import type { RestorePointManifest } from './restore-point-manifest';

/** Plain-text renderings of repository results for the CLI's non-JSON output. */

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatPointList(v: {
  repository: { id: string; location: string; packs: number; packBytes: number; chunks: number };
  points: PointSummary[];
}): string {
  const head = `Repository ${v.repository.id} at ${v.repository.location}: ${v.points.length} restore point(s), ${v.repository.chunks} chunks in ${v.repository.packs} packs (${formatBytes(v.repository.packBytes)}).`;
  if (v.points.length === 0) return `${head}\nNo restore points yet.`;
  const rows = [['ID', 'CREATED', 'KIND', 'VM', 'DISKS', 'CAPACITY', 'ALLOCATED']];
  for (const p of v.points)
    rows.push([p.id, p.createdAt, p.kind, p.vm, String(p.disks), formatBytes(p.capacityBytes), formatBytes(p.allocatedBytes)]);
  return `${head}\n\n${table(rows)}`;
}

/** The manifest for --json: block maps are summarised unless asked for. */
export function manifestForJson(m: RestorePointManifest, withBlockMaps: boolean): unknown {
  if (withBlockMaps) return m;
  return { ...m, disks: m.disks.map(({ blockMap, ...d }) => ({ ...d, blockMapRuns: blockMap.length })) };
}

export function formatPoint(m: RestorePointManifest, withBlockMaps: boolean): string {
  const lines = [
    `Restore point ${m.id} (${m.kind}${m.parentPointId ? `, parent ${m.parentPointId}` : ''}), created ${m.createdAt}`,
    `VM:         ${m.vm.name} (instance ${m.vm.instanceUuid}, ${m.vm.moref} on ${m.vm.sourceServer})`,
    `Firmware:   ${m.firmware ?? 'unknown'}`,
    `vTPM:       ${m.vtpm ? 'saved' : 'none'}`,
    `Encryption: ${m.keyId ? 'keyId saved' : 'no keyId'}, ${m.encryptionBundle ? 'bundle saved' : 'no bundle'}, ${m.storagePolicy ? 'storage policy saved' : 'no storage policy'}`,
    `NVRAM:      ${m.nvram ? `${m.nvram.fileName} (${formatBytes(m.nvram.size)})` : 'not saved'}`,
  ];
  const rows = [
    ['KEY', 'LABEL', 'CONTROLLER', 'CAPACITY', 'ALLOCATED', 'PROVISIONING', 'MODE', 'DATASTORE', 'ALLOC MAP', 'CHANGE ID'],
  ];
  for (const d of m.disks) {
    rows.push([
      String(d.key),
      d.label,
      `${d.controller.type} ${d.controller.busNumber}:${d.controller.unitNumber}`,
      formatBytes(d.capacity),
      formatBytes(d.allocatedBytes),
      d.provisioning,
      d.diskMode,
      `${d.datastore.name} (${d.datastore.type})`,
      d.allocationMapSaved ? 'saved' : 'none',
      d.changeId ?? '-',
    ]);
  }
  lines.push('', table(rows));
  if (m.skippedIndependentDisks.length > 0) {
    lines.push('', `Skipped independent disks: ${m.skippedIndependentDisks.map((d) => `${d.label} (${d.diskMode})`).join(', ')}`);
  }
  if (withBlockMaps) {
    for (const d of m.disks) {
      lines.push('', `Block map of disk ${d.key}:`);
      for (const r of d.blockMap)
        lines.push(
          `  ${String(r.offset).padStart(15)} +${formatBytes(r.length).padStart(10)}  ${r.kind}${r.kind === 'data' ? ` (${r.chunks.length} chunks)` : ''}`,
        );
    }
  }
  return lines.join('\n');
}

export function formatVerify(r: VerifyReport): string {
  const scope = r.readData
    ? `${r.chunksRead} chunks read (${formatBytes(r.bytesRead)})`
    : 'structure only (add --read-data to check every byte)';
  const lines = [
    `${r.ok ? 'OK' : 'FAILED'}: ${r.points} restore point(s), ${r.packs} packs, ${r.chunksReferenced} chunks referenced; ${scope}.`,
  ];
  for (const p of r.problems) lines.push(`  error: ${p.object}: ${p.problem}`);
  for (const w of r.warnings) lines.push(`  warning: ${w.object}: ${w.problem}`);
  return lines.join('\n');
}

export function formatPrune(r: PruneReport): string {
  return (
    `Pruned: ${r.chunksRemoved} unreferenced chunk(s) removed; packs kept ${r.packsKept}, rewritten ${r.packsRewritten}, deleted ${r.packsDeleted}, written ${r.packsWritten}; ` +
    `${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)} for ${r.points} restore point(s).`
  );
}
