// The benches' text tables: columns padded to their widest cell, two spaces apart, no trailing spaces.

/** `rows` (arrays of strings, the header first) as lines of aligned columns. */
export function tableLines(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );
}
