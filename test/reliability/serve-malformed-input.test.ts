import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServedHost } from '../support/serve-process';
import { MALFORMED_SERVE_CASES, type HostUnderTest } from './serve-malformed-cases';
import { goodClientAnswers, redeemToken } from './support/serve-session';

/**
 * Issue 11 item 2: every malformed request and frame is sent to a real
 * `lifeboat serve` process; after each one the process must still be running
 * and still serve a good client. A case that kills it is counted as lost and
 * the host is started again so the remaining cases are still tried.
 */
describe('lifeboat serve survives malformed requests and frames', () => {
  let home: string;
  let served: ServedHost;
  let host: HostUnderTest;
  const tally = { tried: 0, survived: 0, lost: [] as string[] };

  async function start(): Promise<void> {
    served = await startServeProcess({ ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_VDDK_DIR: join(home, 'no-vddk-here') });
    // The helper's own exit listener rejects an already settled promise; a death is noticed through exitCode below.
    served.process.stderr?.on('data', (d) => (lastStderr = String(d).slice(-400)));
    host = { port: served.port, cookie: await redeemToken(served.url) };
  }
  let lastStderr = '';

  const alive = (): boolean => served.process.exitCode === null && served.process.signalCode === null;
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lifeboat-serve-reliability-'));
    await start();
  });

  afterAll(async () => {
    console.log(
      `serve malformed-input suite: tried ${tally.tried}, survived ${tally.survived}, lost ${tally.lost.length}` +
        (tally.lost.length ? ` (${tally.lost.join('; ')})` : ''),
    );
    await served?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it.each(MALFORMED_SERVE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, malformed) => {
    tally.tried++;
    let caseError: unknown;
    await malformed.run(host).catch((err: unknown) => (caseError = err));
    // A good client is the proof of life: it also gives a dying process the time to exit.
    const answers = await goodClientAnswers(host.port, host.cookie);
    await settle();
    const survived = alive() && answers;
    if (survived) tally.survived++;
    else {
      tally.lost.push(malformed.name);
      const why = alive()
        ? 'stopped answering'
        : `exited (${served.process.exitCode ?? served.process.signalCode}): ${lastStderr}`;
      await served.stop();
      await start();
      expect.fail(`lifeboat serve ${why}`);
    }
    if (caseError) throw caseError;
  });

  it('counts every case', () => {
    expect(tally.tried).toBe(MALFORMED_SERVE_CASES.length);
    expect(tally.lost).toEqual([]);
  });
});
