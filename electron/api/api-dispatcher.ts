import { z } from 'zod';
import type { CallResult, ContractShape, InvokeDef, ServerHandlers, WireError } from './contract-kit';

/** Every method of a contract as ["domain.method", kind]: what the preload and hosts expose. */
export function contractMethods(contract: ContractShape): Array<{ name: string; kind: 'invoke' | 'event' }> {
  const out: Array<{ name: string; kind: 'invoke' | 'event' }> = [];
  for (const [domain, methods] of Object.entries(contract)) {
    for (const [method, def] of Object.entries(methods)) out.push({ name: `${domain}.${method}`, kind: def.kind });
  }
  return out;
}

/** An error that carries a rule ID and a hint across the boundary. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly rule?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function issuesOf(err: z.ZodError): Array<{ path: string; message: string }> {
  return err.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }));
}

/** Turns anything thrown by a handler into the wire form; never leaks stacks. */
export function toWireError(err: unknown): WireError {
  if (err instanceof ApiError) return { message: err.message, code: err.code, rule: err.rule, hint: err.hint };
  if (err instanceof z.ZodError) return { message: 'invalid input', code: 'invalid-input', issues: issuesOf(err) };
  const e = err as { message?: unknown; rule?: unknown; code?: unknown; hint?: unknown; issues?: unknown; connection?: unknown };
  const issues = fileIssuesOf(e?.issues);
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    code: typeof e?.code === 'string' ? e.code : 'engine-error',
    rule: typeof e?.rule === 'string' ? e.rule : undefined,
    hint: typeof e?.hint === 'string' ? e.hint : undefined,
    ...(issues ? { issues } : {}),
    // A call that names no connection (restore.resume carries a job id) still lets the UI ask for the right password.
    ...(e?.code === 'missing-credential' && typeof e.connection === 'string' ? { connection: e.connection } : {}),
  };
}

/** An engine error's own list of problems (a recovery plan file's, with their lines) crosses too: only path, message and line. */
function fileIssuesOf(value: unknown): WireError['issues'] {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.slice(0, 200).map((raw: unknown) => {
    const i = (raw ?? {}) as { path?: unknown; message?: unknown; line?: unknown };
    const path = typeof i.path === 'string' ? i.path : Array.isArray(i.path) ? i.path.map(String).join('.') : '';
    return { path: path || '(file)', message: typeof i.message === 'string' ? i.message : String(raw), ...(typeof i.line === 'number' ? { line: i.line } : {}) };
  });
}

export interface Dispatcher {
  /** Validates `params` against the method's schema, runs the handler, validates (and strips) the result. */
  call(method: unknown, params: unknown): Promise<CallResult>;
  readonly invokeNames: readonly string[];
}

/**
 * The boundary every front door goes through. Input is `unknown` until the
 * schema parsed it; output passes the output schema too, so a field that is
 * not in the contract (a secret, say) can never reach a client.
 */
export function createDispatcher<C extends ContractShape>(contract: C, handlers: ServerHandlers<C>): Dispatcher {
  const table = new Map<string, { def: InvokeDef; fn: (input: unknown) => Promise<unknown> }>();
  for (const [domain, methods] of Object.entries(contract)) {
    for (const [method, def] of Object.entries(methods)) {
      if (def.kind !== 'invoke') continue;
      const domainHandlers = (handlers as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[domain];
      const fn = domainHandlers?.[method];
      if (typeof fn !== 'function') throw new Error(`no handler for ${domain}.${method}`);
      table.set(`${domain}.${method}`, { def, fn: fn.bind(domainHandlers) });
    }
  }
  return {
    invokeNames: [...table.keys()],
    async call(method, params) {
      const entry = typeof method === 'string' ? table.get(method) : undefined;
      if (!entry) {
        return { ok: false, error: { message: `unknown method ${String(method).slice(0, 80)}`, code: 'unknown-method' } };
      }
      const parsed = entry.def.input.safeParse(params ?? {});
      if (!parsed.success) {
        return {
          ok: false,
          error: { message: `invalid input for ${method}`, code: 'invalid-input', issues: issuesOf(parsed.error) },
        };
      }
      try {
        const value = entry.def.output.parse(await entry.fn(parsed.data));
        return { ok: true, value };
      } catch (err) {
        return { ok: false, error: toWireError(err) };
      }
    },
  };
}
