import type { Plan } from '../planner/plan-types';
import type { RestoreProgress } from '../restore/restore-job';
import { RESTORE_PHASES, type RestorePhase } from '../restore/restore-phases';
import { RateWindow, secondsLeft } from '../restore/progress-meter';

export interface DiskProgressView {
  key: number;
  label: string;
  state: string;
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

/** What every front door shows of a running restore: phase, bytes, rate and time left, overall and per disk. */
export interface RestoreJobProgress {
  phase: RestorePhase;
  step: string;
  /** 'write' while disks are written, 'verify' while they are read back. */
  pass: 'write' | 'verify';
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  disks: DiskProgressView[];
}

const phaseTitle = (phase: string): string => RESTORE_PHASES.find((p) => p.phase === phase)?.title ?? phase;

/**
 * Turns the job's raw progress into rate and time left. Rates are recent
 * (a sliding window), per disk and overall, for the write and for the
 * read-back verification pass alike.
 */
export class RestoreProgressTracker {
  private readonly overall = new RateWindow();
  private readonly perDisk = new Map<number, RateWindow>();
  private pass: 'write' | 'verify' = 'write';
  private readonly labels: Map<number, string>;
  /** The plan's assumed rate: the time left until this run has measured its own. */
  private readonly assumedRate: number;

  constructor(plan: Plan) {
    this.labels = new Map(plan.disks.map((d) => [d.key, d.label]));
    this.assumedRate = plan.estimate?.assumedBytesPerSecond ?? 0;
  }

  update(p: RestoreProgress): RestoreJobProgress {
    const pass = p.phase === 'verify-disks' ? 'verify' : 'write';
    if (pass !== this.pass) {
      this.pass = pass;
      this.overall.reset();
      for (const w of this.perDisk.values()) w.reset();
    }
    const verify = pass === 'verify' && p.verify ? p.verify : null;
    const done = verify ? verify.bytesDone : p.bytesDone;
    const total = verify ? verify.bytesTotal : p.bytesTotal;
    this.overall.add(done);
    const rate = this.overall.rate();
    const disks = Object.entries(p.disks).map(([k, d]): DiskProgressView => {
      const key = Number(k);
      const window = this.perDisk.get(key) ?? new RateWindow();
      this.perDisk.set(key, window);
      const dDone = verify ? (d.verifyDone ?? 0) : d.bytesDone;
      window.add(dDone);
      return {
        key,
        label: this.labels.get(key) ?? `Disk ${key}`,
        state: d.state,
        bytesDone: dDone,
        bytesTotal: d.bytesTotal,
        bytesPerSecond: Math.round(window.rate()),
        etaSeconds: secondsLeft(d.bytesTotal - dDone, window.rate()),
      };
    });
    return {
      phase: p.phase,
      step: phaseTitle(p.phase),
      pass,
      bytesDone: done,
      bytesTotal: total,
      bytesPerSecond: Math.round(rate),
      etaSeconds: secondsLeft(total - done, rate, this.assumedRate),
      disks,
    };
  }
}
