/**
 * Kill points for the reliability suite: with LIFEBOAT_FAULT_KILL_AT set to a
 * point's name, the process SIGKILLs itself there, exactly as a kill -9 or a
 * power cut would stop it (no handler runs). Points: `after:<phase>` once a
 * phase is done and saved, and `create-vm:before-record` between CreateVM and
 * recording its result. Unset (always, outside tests), this does nothing.
 */
export function killPoint(name: string): void {
  if (process.env.LIFEBOAT_FAULT_KILL_AT === name) process.kill(process.pid, 'SIGKILL');
}
