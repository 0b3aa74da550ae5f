import { z } from 'zod';

/**
 * Building blocks of the API contract. A domain method is either an `invoke`
 * (request → response, input validated at the boundary) or an `event`
 * (engine → renderer pushes). The renderer's `window.lifeboat` type is derived
 * from these definitions, never written by hand.
 */
export interface InvokeDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'invoke';
  readonly input: I;
  readonly output: O;
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly payload: P;
}

export function invoke<I extends z.ZodType, O extends z.ZodType>(input: I, output: O): InvokeDef<I, O> {
  return { kind: 'invoke', input, output };
}

export function event<P extends z.ZodType>(payload: P): EventDef<P> {
  return { kind: 'event', payload };
}

/** Input of methods that take nothing; unknown fields are refused like everywhere else. */
export const NoInput = z.object({}).strict();

export type ContractShape = Record<string, Record<string, InvokeDef | EventDef>>;

type InvokeFn<D> =
  D extends InvokeDef<infer I, infer O>
    ? Record<never, never> extends z.input<I>
      ? (input?: z.input<I>) => Promise<z.output<O>>
      : (input: z.input<I>) => Promise<z.output<O>>
    : never;

type EventFn<D> = D extends EventDef<infer P> ? (listener: (payload: z.output<P>) => void) => () => void : never;

/** The client-side API: what `window.lifeboat` looks like for a contract. */
export type ClientApi<C extends ContractShape> = {
  readonly [Domain in keyof C]: {
    readonly [Method in keyof C[Domain]]: C[Domain][Method] extends InvokeDef
      ? InvokeFn<C[Domain][Method]>
      : EventFn<C[Domain][Method]>;
  };
};

/** What the engine implements: invoke handlers only (events are emitted, not handled). */
export type ServerHandlers<C extends ContractShape> = {
  readonly [Domain in keyof C]: {
    readonly [Method in keyof C[Domain] as C[Domain][Method] extends InvokeDef ? Method : never]: C[Domain][Method] extends InvokeDef<
      infer I,
      infer O
    >
      ? (input: z.output<I>) => Promise<z.input<O>>
      : never;
  };
};

/** Names of every event in a contract, as "domain.method". */
export type EventName<C extends ContractShape> = {
  [Domain in keyof C & string]: {
    [Method in keyof C[Domain] & string]: C[Domain][Method] extends EventDef ? `${Domain}.${Method}` : never;
  }[keyof C[Domain] & string];
}[keyof C & string];

/** Payload type of an event by name. */
export type EventPayload<C extends ContractShape, N extends string> = N extends `${infer D}.${infer M}`
  ? C[D][M] extends EventDef<infer P>
    ? z.output<P>
    : never
  : never;

/** The wire form of every call result, the same over IPC and WebSocket. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: WireError };

/** An error as it crosses to a client: message for people, code for programs, rule ID when a rule is behind it. */
export interface WireError {
  message: string;
  code: string;
  rule?: string;
  hint?: string;
  /** What was wrong, field by field; `line` when the input is a file (a recovery plan's YAML). */
  issues?: Array<{ path: string; message: string; line?: number }>;
  /** The saved connection a `missing-credential` error is about, so a UI can ask for its password and call again (never a secret). */
  connection?: string;
}

type BridgeInvokeFn<D> =
  D extends InvokeDef<infer I> ? (Record<never, never> extends z.input<I> ? (input?: z.input<I>) => Promise<CallResult> : (input: z.input<I>) => Promise<CallResult>) : never;

/**
 * What a transport exposes (the preload's `window.lifeboat`, or the browser
 * host's WebSocket client): invokes resolve to the wire result, never throw
 * across the bridge, so error codes and rule IDs survive. The renderer wraps
 * it once into the typed `ClientApi`.
 */
export type BridgeApi<C extends ContractShape> = {
  readonly [Domain in keyof C]: {
    readonly [Method in keyof C[Domain]]: C[Domain][Method] extends InvokeDef
      ? BridgeInvokeFn<C[Domain][Method]>
      : EventFn<C[Domain][Method]>;
  };
};
