/** Where a backup is; `disks` lists every disk being read, in order. */
export interface BackupProgress {
  phase: 'config' | 'change-tracking' | 'snapshot' | 'access' | 'reading' | 'cleanup' | 'commit' | 'done';
  /** What happens now, for a status line. */
  detail: string;
  disks: DiskProgress[];
  bytesDone: number;
  bytesTotal: number;
}

export interface DiskProgress {
  key: number;
  label: string;
  bytesDone: number;
  bytesTotal: number;
}

export type BackupProgressListener = (progress: BackupProgress) => void;

/** Keeps the numbers and hands out snapshots (copies) to the listener. */
export class BackupProgressTracker {
  private phase: BackupProgress['phase'] = 'config';
  private detail = '';
  private readonly disks: DiskProgress[] = [];

  constructor(private readonly listener?: BackupProgressListener) {}

  setPhase(phase: BackupProgress['phase'], detail: string): void {
    this.phase = phase;
    this.detail = detail;
    this.emit();
  }

  addDisk(key: number, label: string, bytesTotal: number): void {
    this.disks.push({ key, label, bytesDone: 0, bytesTotal });
  }

  advance(key: number, bytes: number): void {
    const disk = this.disks.find((d) => d.key === key);
    if (disk) disk.bytesDone += bytes;
    this.emit();
  }

  snapshot(): BackupProgress {
    const disks = this.disks.map((d) => ({ ...d }));
    return {
      phase: this.phase,
      detail: this.detail,
      disks,
      bytesDone: disks.reduce((s, d) => s + d.bytesDone, 0),
      bytesTotal: disks.reduce((s, d) => s + d.bytesTotal, 0),
    };
  }

  private emit(): void {
    if (!this.listener) return;
    try {
      this.listener(this.snapshot());
    } catch {
      // A failing progress listener must not fail the backup.
    }
  }
}
