import { useState, type ReactElement } from 'react';
import { api } from '../bridge/api-access';
import { JobLine } from '../export/export-job-view';
import { problemOf, type Problem } from '../stores/repositories-store';

/** Verify a repository as a job: by default every pack is read and hashed, with progress in packs; or its structure only. */
export function VerifyRepository({ repositoryId, path }: { repositoryId: string; path: string }): ReactElement {
  const [structureOnly, setStructureOnly] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  async function start(): Promise<void> {
    setProblem(null);
    try {
      setJobId((await api().repositories.verify({ repositoryId, readData: !structureOnly })).jobId);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }

  return (
    <div className="verify-repository">
      <label className="checkbox">
        <input type="checkbox" checked={structureOnly} onChange={(e) => setStructureOnly(e.target.checked)} />
        Check the structure only (quick: does not read and hash every pack)
      </label>
      <button type="button" className="button button-secondary" onClick={() => void start()}>
        Verify {path}
      </button>
      {jobId ? <JobLine key={jobId} jobId={jobId} unit="packs" /> : null}
      {problem ? (
        <div className="notice notice-error" role="alert">
          {problem.message}
        </div>
      ) : null}
    </div>
  );
}
