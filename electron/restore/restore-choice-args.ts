/**
 * The restore choices the front doors take as text: `--network-map SRC=DST`
 * (DATA-NETWORK-MAP, repeatable) and `--hardware-version vmx-NN`
 * (DATA-HW-VERSION). Each error says what was wrong and what to write.
 */
export function parseNetworkMapArgs(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const source = at > 0 ? pair.slice(0, at).trim() : '';
    const target = at > 0 ? pair.slice(at + 1).trim() : '';
    if (!source || !target) throw new RangeError(`--network-map "${pair}" is not SOURCE=TARGET; write e.g. --network-map "VM Network=Production"`);
    if (map[source] !== undefined && map[source] !== target) throw new RangeError(`--network-map maps "${source}" twice (to "${map[source]}" and "${target}"); give one target per source network`);
    map[source] = target;
  }
  return map;
}

export function parseHardwareVersionArg(value: string): string {
  const m = /^(?:vmx-)?(\d{1,3})$/.exec(value.trim());
  if (!m) throw new RangeError(`--hardware-version "${value}" is not a hardware version; write e.g. vmx-19`);
  return `vmx-${m[1]!.padStart(2, '0')}`;
}
