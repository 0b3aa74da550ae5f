import type { VimSession } from './vim-session';
import { asArray, asObject, asString, type MoRef, type VimObject, type VimValue } from './vim-types';

/** One object's requested properties, keyed by property path. */
export interface ObjectProperties {
  obj: MoRef;
  props: Record<string, VimValue>;
  /** Paths the server could not read (e.g. no permission), with the fault type. */
  missing: Record<string, string>;
}

export interface PropertySpec {
  type: string;
  pathSet?: string[];
  all?: boolean;
}

export interface TraversalSpec {
  name: string;
  type: string;
  path: string;
  skip?: boolean;
  selectSet?: string[];
}

export interface RetrieveRequest {
  root: MoRef;
  /** Include the root itself in the results. */
  includeRoot?: boolean;
  traversal?: TraversalSpec[];
  properties: PropertySpec[];
}

function traversalSpecs(specs: TraversalSpec[]): VimObject[] {
  return specs.map((t) => ({
    $type: 'TraversalSpec',
    name: t.name,
    type: t.type,
    path: t.path,
    skip: t.skip ?? false,
    selectSet: (t.selectSet ?? []).map((name) => ({ $type: 'SelectionSpec', name })),
  }));
}

function filterSpec(req: RetrieveRequest): VimObject {
  // Every traversal spec hangs off the object spec; each one only applies where
  // its type matches, and recursion refers back to them by name.
  const os: VimObject = {
    $type: 'ObjectSpec',
    obj: req.root,
    skip: !(req.includeRoot ?? false),
    selectSet: traversalSpecs(req.traversal ?? []),
  };
  return {
    $type: 'PropertyFilterSpec',
    propSet: req.properties.map((p) => ({
      $type: 'PropertySpec',
      type: p.type,
      all: p.all ?? false,
      pathSet: p.pathSet ?? [],
    })),
    objectSet: [os],
  };
}

function readObjects(result: VimObject | undefined): ObjectProperties[] {
  return asArray(result?.objects as VimObject[] | VimObject | undefined).map((raw) => {
    const o = asObject(raw) ?? {};
    const props: Record<string, VimValue> = {};
    for (const p of asArray(o.propSet as VimObject[] | VimObject | undefined)) {
      const name = asString(p.name);
      if (name) props[name] = p.val;
    }
    const missing: Record<string, string> = {};
    for (const m of asArray(o.missingSet as VimObject[] | VimObject | undefined)) {
      const path = asString(m.path);
      const fault = asObject(asObject(m.fault)?.fault);
      if (path) missing[path] = fault?.$type ?? 'unknown';
    }
    return { obj: o.obj as MoRef, props, missing };
  });
}

/**
 * Pages through RetrievePropertiesEx / ContinueRetrievePropertiesEx, yielding
 * one page at a time so a 5,000-VM inventory never sits in one response.
 */
export async function* retrievePages(session: VimSession, req: RetrieveRequest, pageSize = 500): AsyncGenerator<ObjectProperties[]> {
  const pc = session.serviceContent.propertyCollector;
  let result = asObject(
    await session.call('RetrievePropertiesEx', {
      _this: pc,
      specSet: [filterSpec(req)],
      options: { $type: 'RetrieveOptions', maxObjects: pageSize },
    }),
  );
  while (result) {
    yield readObjects(result);
    const token = asString(result.token);
    if (!token) return;
    result = asObject(await session.call('ContinueRetrievePropertiesEx', { _this: pc, token }));
  }
}

/** All pages concatenated. */
export async function retrieveAll(session: VimSession, req: RetrieveRequest, pageSize = 500): Promise<ObjectProperties[]> {
  const all: ObjectProperties[] = [];
  for await (const page of retrievePages(session, req, pageSize)) all.push(...page);
  return all;
}

/** Properties of one object (no traversal). */
export async function retrieveOne(session: VimSession, obj: MoRef, pathSet: string[]): Promise<ObjectProperties | undefined> {
  const [found] = await retrieveAll(session, { root: obj, includeRoot: true, properties: [{ type: obj.type, pathSet }] });
  return found;
}
