import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contractMethods, createDispatcher, ApiError } from '../../../electron/api/api-dispatcher';
import { apiContract } from '../../../electron/api/contract';
import { event, invoke } from '../../../electron/api/contract-kit';

const testContract = {
  vault: {
    open: invoke(z.object({ name: z.string().min(1) }).strict(), z.object({ name: z.string(), size: z.number() })),
    fail: invoke(z.object({}).strict(), z.object({})),
    onChange: event(z.object({ name: z.string() })),
  },
};

function dispatcher() {
  return createDispatcher(testContract, {
    vault: {
      // The extra `secret` field must never leave the engine: output schemas strip it.
      open: async ({ name }) => ({ name, size: 3, secret: 'hunter2' }) as { name: string; size: number },
      fail: async () => {
        throw new ApiError('certificate changed', 'cert-changed', 'CONN-THUMBPRINT', 'check with your vSphere admin');
      },
    },
  });
}

describe('API dispatcher', () => {
  it('parses input, runs the handler and strips fields the contract does not name', async () => {
    const result = await dispatcher().call('vault.open', { name: 'a' });
    expect(result).toEqual({ ok: true, value: { name: 'a', size: 3 } });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('refuses unknown fields by name', async () => {
    const result = await dispatcher().call('vault.open', { name: 'a', nmae: 'typo' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-input');
      expect(JSON.stringify(result.error.issues)).toContain('nmae');
    }
  });

  it('refuses unknown methods and non-string method names', async () => {
    expect(await dispatcher().call('vault.delete', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await dispatcher().call(42, {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
    expect(await dispatcher().call('vault.onChange', {})).toMatchObject({ ok: false, error: { code: 'unknown-method' } });
  });

  it('carries rule IDs and hints of engine errors across the boundary', async () => {
    expect(await dispatcher().call('vault.fail', {})).toEqual({
      ok: false,
      error: { message: 'certificate changed', code: 'cert-changed', rule: 'CONN-THUMBPRINT', hint: 'check with your vSphere admin' },
    });
  });

  it('refuses to build when a handler is missing', () => {
    expect(() => createDispatcher(testContract, { vault: {} } as never)).toThrow(/no handler for vault.open/);
  });
});

describe('the Lifeboat contract', () => {
  it('names events on* and never an invoke, so bridges can tell them apart without a runtime contract', () => {
    for (const { name, kind } of contractMethods(apiContract)) {
      const method = name.split('.')[1] ?? '';
      expect(method.startsWith('on'), name).toBe(kind === 'event');
    }
  });

  it('refuses unknown fields on every invoke input', () => {
    for (const [domain, methods] of Object.entries(apiContract)) {
      for (const [method, def] of Object.entries(methods)) {
        if (def.kind !== 'invoke') continue;
        const probe = def.input.safeParse({ definitelyNotAField: 1 });
        expect(probe.success, `${domain}.${method}`).toBe(false);
      }
    }
  });
});
