/** A reference to a server-side managed object, e.g. `{ type: 'VirtualMachine', value: 'vm-42' }`. */
export interface MoRef {
  type: string;
  value: string;
}

/**
 * A primitive carrying an explicit xsi:type, needed where the schema says `anyType`
 * (OptionValue.value, PropertyFilter values).
 */
export interface TypedPrimitive {
  $type: `xsd:${string}`;
  $value: string | number | boolean;
}

/** What the codec reads and writes: plain data with `$type` marking xsi:type. */
export type VimValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | MoRef
  | TypedPrimitive
  | VimValue[]
  | VimObject;

export interface VimObject {
  $type?: string;
  [key: string]: VimValue;
}

export function moRef(type: string, value: string): MoRef {
  return { type, value };
}

export function isMoRef(v: unknown): v is MoRef {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 2 && typeof (v as MoRef).type === 'string' && typeof (v as MoRef).value === 'string';
}

export function isTypedPrimitive(v: unknown): v is TypedPrimitive {
  return typeof v === 'object' && v !== null && '$value' in v && typeof (v as TypedPrimitive).$type === 'string';
}

/** Typed primitive for an `anyType` slot, choosing the xsd type from the JS type. */
export function xsdValue(v: string | number | boolean): TypedPrimitive {
  if (typeof v === 'boolean') return { $type: 'xsd:boolean', $value: v };
  if (typeof v === 'number') return { $type: Number.isInteger(v) ? 'xsd:long' : 'xsd:double', $value: v };
  return { $type: 'xsd:string', $value: v };
}

/** Responses give one element or many; the schema says which are arrays, so readers normalise. */
export function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

export function asString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return undefined;
  return String(v);
}

export function asNumber(v: unknown): number | undefined {
  const s = asString(v);
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = asString(v);
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  return undefined;
}

export function asObject(v: unknown): VimObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as VimObject) : undefined;
}

export function asMoRef(v: unknown): MoRef | undefined {
  return isMoRef(v) ? v : undefined;
}
