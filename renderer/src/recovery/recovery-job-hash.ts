/** The recovery a URL names: "#/recovery/<job id>" (so a reload, or a link from the Jobs page, shows that recovery). */
export function recoveryJobFromHash(hash: string): string | null {
  const match = /^#\/recovery\/([A-Za-z0-9._-]{1,100})$/.exec(hash);
  return match ? match[1]! : null;
}

export function recoveryHash(jobId: string | null): string {
  return jobId ? `#/recovery/${jobId}` : '#/recovery';
}
