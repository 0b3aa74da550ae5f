import { useEffect, useRef, useState, type ReactElement } from 'react';
import type { ExportStartInput, PointSummary } from '../../../electron/api/contract';
import { formatBytes } from '../app/byte-size';
import { FormField } from '../app/form-field';
import { api } from '../bridge/api-access';
import { useJobsStore } from '../stores/jobs-store';
import { problemOf, type Problem } from '../stores/repositories-store';
import { JobLine } from './export-job-view';
import { ErrorNotice } from '../app/error-notice';

type Format = ExportStartInput['format'];

const FORMATS: Array<{ id: Format; name: string; detail: string; suffix: string }> = [
  { id: 'vmdk', name: 'VMDK, streamOptimized', detail: 'One compact file; vSphere, Workstation and OVA tools read it.', suffix: '.vmdk' },
  { id: 'vmdk-flat', name: 'VMDK, flat', detail: 'A descriptor and a sparse -flat extent: upload both to a datastore.', suffix: '.vmdk' },
  { id: 'raw', name: 'Raw image', detail: 'A sparse byte-for-byte image for qemu, dd or forensic tools.', suffix: '.img' },
];

const STEPS = ['Disk and format', 'Destination', 'Review and export'] as const;

/**
 * The disk export wizard: which disk, which format, and where on the machine
 * running Lifeboat (the engine checks the path: full, folder exists, outside
 * every repository, no file replaced unless allowed). Then the job's progress.
 */
export function ExportWizard({ repositoryId, point, onClose }: { repositoryId: string; point: PointSummary; onClose: () => void }): ReactElement {
  const [step, setStep] = useState(0);
  const [disk, setDisk] = useState(point.disks[0]?.key ?? 0);
  const [format, setFormat] = useState<Format>('vmdk');
  const [destination, setDestination] = useState('');
  const [overwrite, setOverwrite] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const finished = useJobsStore((s) => (jobId ? s.jobs[jobId]?.finishedAt != null : false));

  // Each step's heading takes the focus, so a screen reader hears where it is.
  useEffect(() => heading.current?.focus(), [step, jobId]);

  const chosen = point.disks.find((d) => d.key === disk);
  const formatInfo = FORMATS.find((f) => f.id === format)!;

  async function start(): Promise<void> {
    setStarting(true);
    setProblem(null);
    try {
      const r = await api().export.start({ repositoryId, point: point.id, disk, format, destination: destination.trim(), overwrite });
      setJobId(r.jobId);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setStarting(false);
    }
  }

  const title = jobId ? (finished ? 'Export finished' : 'Exporting') : `Export a disk: ${STEPS[step]} (step ${step + 1} of ${STEPS.length})`;
  return (
    <section className="card export-wizard" aria-labelledby="export-heading" data-testid="export-wizard">
      <h3 id="export-heading" ref={heading} tabIndex={-1}>
        {title}
      </h3>
      {jobId ? (
        <>
          <JobLine jobId={jobId} unit="bytes" />
          <button type="button" className="button button-secondary" onClick={onClose}>
            Close the export
          </button>
        </>
      ) : (
        <>
          {step === 0 ? (
            <>
              <fieldset className="plain-fieldset">
                <legend>Disk</legend>
                {point.disks.map((d) => (
                  <label key={d.key} className="option">
                    <input type="radio" name="export-disk" checked={disk === d.key} onChange={() => setDisk(d.key)} />
                    <span>
                      {d.label}
                      <span className="option-detail">
                        {formatBytes(d.capacityBytes)}, {formatBytes(d.allocatedBytes)} allocated, {d.controller}
                      </span>
                    </span>
                  </label>
                ))}
              </fieldset>
              <fieldset className="plain-fieldset">
                <legend>Format</legend>
                {FORMATS.map((f) => (
                  <label key={f.id} className="option">
                    <input type="radio" name="export-format" checked={format === f.id} onChange={() => setFormat(f.id)} />
                    <span>
                      {f.name}
                      <span className="option-detail">{f.detail}</span>
                    </span>
                  </label>
                ))}
              </fieldset>
            </>
          ) : null}
          {step === 1 ? (
            <>
              <FormField
                label="Destination file"
                help={`A full path on the machine running Lifeboat (for the browser: the server, not this browser), e.g. /srv/exports/${point.vm}-disk${formatInfo.suffix}. Not inside a repository.`}
              >
                {({ id, describedBy }) => (
                  <input id={id} aria-describedby={describedBy} value={destination} onChange={(e) => setDestination(e.target.value)} spellCheck={false} />
                )}
              </FormField>
              <label className="checkbox">
                <input type="checkbox" checked={overwrite} onChange={(e) => setOverwrite(e.target.checked)} />
                Replace the file if it exists
              </label>
            </>
          ) : null}
          {step === 2 ? (
            <dl className="job-facts" data-testid="export-review">
              <dt>Disk</dt>
              <dd>
                {chosen?.label} of {point.vm}
              </dd>
              <dt>Format</dt>
              <dd>{formatInfo.name}</dd>
              <dt>Destination</dt>
              <dd className="mono">{destination.trim()}</dd>
              <dt>Afterwards</dt>
              <dd>The file is read back and compared byte for byte with the restore point before it is put in place.</dd>
            </dl>
          ) : null}
          {problem ? (
            <ErrorNotice problem={problem} />
          ) : null}
          <div className="wizard-actions">
            {step > 0 ? (
              <button type="button" className="button button-secondary" onClick={() => setStep(step - 1)}>
                Back
              </button>
            ) : null}
            {step < 2 ? (
              <button type="button" className="button" disabled={step === 1 && destination.trim() === ''} onClick={() => setStep(step + 1)}>
                {step === 0 ? 'Next: destination' : 'Next: review'}
              </button>
            ) : (
              <button type="button" className="button" disabled={starting} onClick={() => void start()}>
                {starting ? 'Starting…' : 'Export'}
              </button>
            )}
            <button type="button" className="button button-secondary" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      )}
    </section>
  );
}
