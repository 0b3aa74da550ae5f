import { describe, expect, it, vi } from 'vitest';
import type { LifeboatApi } from '../../electron/api/contract';
import { LifeboatError } from '../../renderer/src/bridge/lifeboat-error';
import { withPasswordPrompt } from '../../renderer/src/connections/missing-password-retry';

const missing = (connection?: string) =>
  new LifeboatError({ message: 'no saved password for admin@vc in the OS keychain', code: 'missing-credential', ...(connection ? { connection } : {}) });

describe('the password prompt around API calls', () => {
  it('asks for the connection the engine names when the call carries none (restore.resume has only a job id), then calls again', async () => {
    const resume = vi.fn().mockRejectedValueOnce(missing('lab')).mockResolvedValueOnce({ jobId: 'job-1' });
    const ask = vi.fn().mockResolvedValue(true);
    const api = withPasswordPrompt({ restore: { resume } } as unknown as LifeboatApi, ask);
    await expect(api.restore.resume({ jobId: 'job-1' })).resolves.toEqual({ jobId: 'job-1' });
    expect(ask).toHaveBeenCalledWith('lab');
    expect(resume).toHaveBeenCalledTimes(2);
  });

  it('gives the original error when nobody names a connection, and when the dialog is cancelled', async () => {
    const ask = vi.fn().mockResolvedValue(false);
    const resume = vi.fn().mockRejectedValue(missing());
    const api = withPasswordPrompt({ restore: { resume } } as unknown as LifeboatApi, ask);
    await expect(api.restore.resume({ jobId: 'job-1' })).rejects.toThrow(/no saved password/);
    expect(ask).not.toHaveBeenCalled();
    resume.mockRejectedValue(missing('lab'));
    await expect(api.restore.resume({ jobId: 'job-1' })).rejects.toThrow(/no saved password/);
    expect(ask).toHaveBeenCalledWith('lab');
    expect(resume).toHaveBeenCalledTimes(2);
  });
});
