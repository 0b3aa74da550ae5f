import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { VimFault, readableFaultMessage, type FaultContext } from './vim-fault';
import { isMoRef, isTypedPrimitive, type VimObject, type VimValue } from './vim-types';
import { METHOD_PARAMETERS, WSDL_SEQUENCES } from './wsdl-sequences';

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

/** Extra parts of a request: another namespace (PBM is `urn:pbm`) and SOAP header elements. */
export interface RequestEnvelopeOptions {
  namespace?: string;
  header?: Record<string, string>;
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  suppressEmptyNode: false,
  processEntities: true,
});

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Values stay strings: "007" is a name, not a number. Readers convert by schema.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  removeNSPrefix: false,
  transformTagName: (name) => stripPrefix(name),
  processEntities: true,
  htmlEntities: false,
});

function stripPrefix(name: string): string {
  const i = name.indexOf(':');
  return i >= 0 ? name.slice(i + 1) : name;
}

/**
 * The entries of an object in the element order vCenter requires (the WSDL
 * sequence of its type); elements the table does not list keep their place
 * after the listed ones.
 */
function inSequence(entries: Array<[string, VimValue]>, sequence: readonly string[] | undefined): Array<[string, VimValue]> {
  if (!sequence) return entries;
  const rank = (key: string) => {
    const i = sequence.indexOf(key);
    return i < 0 ? sequence.length : i;
  };
  // Array.prototype.sort is stable: unlisted keys keep the caller's order.
  return [...entries].sort((a, b) => rank(a[0]) - rank(b[0]));
}

/** Converts codec data to the builder's tree: `$type` → xsi:type, MoRef → type attribute. */
function toXmlNode(value: VimValue, sequence?: readonly string[]): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((v) => toXmlNode(v)).filter((v) => v !== undefined);
  if (typeof value !== 'object') return String(value);
  if (isMoRef(value)) return { '@_type': value.type, '#text': value.value };
  if (isTypedPrimitive(value)) return { '@_xsi:type': value.$type, '#text': String(value.$value) };
  const node: Record<string, unknown> = {};
  if (value.$type) node['@_xsi:type'] = value.$type;
  for (const [key, child] of inSequence(Object.entries(value), value.$type ? WSDL_SEQUENCES[value.$type] : sequence)) {
    if (key === '$type') continue;
    const converted = toXmlNode(child);
    if (converted === undefined) continue;
    if (Array.isArray(converted) && converted.length === 0) continue;
    node[key] = converted;
  }
  return node;
}

/**
 * Encodes one vim25 call: parameters in the method's WSDL order (`_this`
 * first), every typed data object's elements in its type's WSDL sequence.
 */
export function encodeRequest(method: string, args: Record<string, VimValue>, options: RequestEnvelopeOptions = {}): string {
  const body = toXmlNode(args as VimObject, METHOD_PARAMETERS[method]) as Record<string, unknown>;
  const inner = builder.build(body) as string;
  const header = options.header ? `<soapenv:Header>${builder.build(options.header) as string}</soapenv:Header>` : '';
  const ns = options.namespace ?? 'urn:vim25';
  return `${ENVELOPE_OPEN}${header}<soapenv:Body><${method} xmlns="${ns}">${inner}</${method}>${ENVELOPE_CLOSE}`;
}

/** Converts parser output to codec data: attributes interpreted, arrays of ArrayOfXxx unwrapped. */
export function fromXmlNode(node: unknown): VimValue {
  if (Array.isArray(node)) return node.map(fromXmlNode);
  if (node === null || node === undefined) return undefined;
  if (typeof node !== 'object') return String(node);
  const record = node as Record<string, unknown>;
  let xsiType: string | undefined;
  let moType: string | undefined;
  for (const [k, v] of Object.entries(record)) {
    if (!k.startsWith('@_')) continue;
    const attr = k.slice(2);
    if (attr === 'type') moType = String(v);
    else if (attr.endsWith(':type')) xsiType = stripPrefix(String(v));
  }
  const text = record['#text'];
  const childKeys = Object.keys(record).filter((k) => !k.startsWith('@_') && k !== '#text');
  if (moType !== undefined && childKeys.length === 0) return { type: moType, value: text === undefined ? '' : String(text) };
  if (xsiType && childKeys.length === 0 && xsiType !== 'ManagedObjectReference' && !xsiType.startsWith('ArrayOf')) {
    const raw = text === undefined ? '' : String(text);
    const primitive = primitiveOf(xsiType, raw);
    if (primitive !== undefined) return primitive;
    // An enum value (xsi:type="VirtualMachinePowerState") is its text.
    if (raw !== '') return raw;
  }
  if (xsiType?.startsWith('ArrayOf')) {
    const items = childKeys.flatMap((k) => {
      const v = record[k];
      return Array.isArray(v) ? v : [v];
    });
    return items.map(fromXmlNode);
  }
  if (childKeys.length === 0 && !xsiType) return text === undefined ? '' : String(text);
  const out: VimObject = {};
  if (xsiType) out.$type = xsiType;
  for (const k of childKeys) out[k] = fromXmlNode(record[k]);
  return out;
}

function primitiveOf(xsiType: string, raw: string): string | number | boolean | undefined {
  switch (xsiType) {
    case 'boolean':
      return raw === 'true' || raw === '1';
    case 'int':
    case 'long':
    case 'short':
    case 'byte':
    case 'float':
    case 'double':
      return Number(raw);
    case 'string':
    case 'dateTime':
    case 'base64Binary':
    case 'anyURI':
      return raw;
    default:
      // An empty data object (e.g. xsi:type="VirtualMachineDefinedProfileSpec" with no fields) stays an object.
      return undefined;
  }
}

/**
 * Decodes a vim25 response body. Returns `returnval` (undefined for void
 * methods); throws VimFault for a SOAP fault.
 */
export function decodeResponse(xml: string, method: string, ctx: FaultContext = {}): VimValue {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${method}: the server sent a response that is not XML (${(err as Error).message})`);
  }
  const envelope = doc['Envelope'] as Record<string, unknown> | undefined;
  const body = envelope?.['Body'] as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') throw new Error(`${method}: the server sent a response without a SOAP body`);
  const fault = body['Fault'];
  if (fault !== undefined) throw faultFromSoap(fault as Record<string, unknown>, { operation: method, ...ctx });
  const response = body[`${method}Response`];
  if (response === undefined) throw new Error(`${method}: the server's response has no ${method}Response element`);
  if (typeof response !== 'object' || response === null) return undefined;
  const returnval = (response as Record<string, unknown>)['returnval'];
  return returnval === undefined ? undefined : fromXmlNode(returnval);
}

function faultFromSoap(fault: Record<string, unknown>, ctx: FaultContext): VimFault {
  const faultString = fault['faultstring'] === undefined ? '' : String(fromXmlNode(fault['faultstring']) ?? '');
  const detailRaw = fault['detail'];
  let faultType = 'SystemError';
  let detail: VimObject | undefined;
  if (detailRaw && typeof detailRaw === 'object') {
    const [elementName] = Object.keys(detailRaw).filter((k) => !k.startsWith('@_') && k !== '#text');
    if (elementName) {
      const decoded = fromXmlNode((detailRaw as Record<string, unknown>)[elementName]);
      detail = typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? (decoded as VimObject) : {};
      faultType = detail.$type ?? elementName.replace(/Fault$/, '');
    }
  }
  return new VimFault(faultType, faultString, detail, readableFaultMessage(faultType, faultString, detail, ctx));
}
