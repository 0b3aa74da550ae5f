import { act, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppFrame } from '../../renderer/src/app/app-frame';
import { bootstrap } from '../../renderer/src/bridge/bootstrap';
import { useEnvironmentStore } from '../../renderer/src/stores/environment-store';
import { useJobsStore } from '../../renderer/src/stores/jobs-store';
import { useNavigationStore } from '../../renderer/src/stores/navigation-store';
import { fakeBridge, sampleFacts } from './fake-bridge';

beforeEach(() => {
  useEnvironmentStore.setState({ facts: { status: 'idle' } });
  useJobsStore.setState({ jobs: {} });
  window.location.hash = '#/about';
});

describe('About page', () => {
  it('shows the facts the engine detected', async () => {
    const { bridge } = fakeBridge({
      'environment.facts': { ok: true, value: sampleFacts },
      'jobs.list': { ok: true, value: [] },
    });
    bootstrap(bridge, window);
    render(<AppFrame />);
    await waitFor(() => expect(screen.getByTestId('fact-vm').textContent).toContain('Yes — VMware'));
    expect(screen.getByTestId('fact-vm').textContent).toContain('HotAdd can be used');
    expect(screen.getByTestId('fact-os').textContent).toContain('linux 6.1.0 (x64)');
    expect(screen.getByTestId('fact-vddk').textContent).toContain('Not found');
    expect(screen.getByTestId('fact-vddk').textContent).toContain('VDDK not found: no VDDK folder is configured.');
    expect(screen.getByTestId('fact-keychain').textContent).toContain('Available — Secret Service');
    expect(screen.getByRole('link', { name: 'About' }).getAttribute('aria-current')).toBe('page');
  });

  it('shows an engine error with its hint instead of facts', async () => {
    const { bridge } = fakeBridge({
      'environment.facts': { ok: false, error: { message: 'settings.json is not valid JSON', code: 'engine-error', hint: 'fix or delete it' } },
      'jobs.list': { ok: true, value: [] },
    });
    bootstrap(bridge, window);
    render(<AppFrame />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('settings.json is not valid JSON');
    expect(alert.textContent).toContain('fix or delete it');
  });
});

describe('app frame', () => {
  it('navigates between the eight sections and keeps the page in the URL hash', async () => {
    const { bridge } = fakeBridge({ 'jobs.list': { ok: true, value: [] }, 'connections.list': { ok: true, value: [] } });
    bootstrap(bridge, window);
    render(<AppFrame />);
    // The skip link comes first, then the eight sections; each page names itself in the window title.
    expect(screen.getAllByRole('link')[0]!.textContent).toBe('Skip to the main content');
    const labels = within(screen.getByRole('navigation', { name: 'Main' })).getAllByRole('link').map((a) => a.textContent);
    expect(labels).toEqual(['Connections', 'Repositories', 'Restore', 'Recovery', 'Backup', 'Jobs', 'Lab', 'About']);
    act(() => screen.getByRole('link', { name: 'Jobs' }).click());
    expect(window.location.hash).toBe('#/jobs');
    expect(useNavigationStore.getState().page).toBe('jobs');
    expect(screen.getByTestId('jobs-empty')).toBeTruthy();
    await waitFor(() => expect(document.title).toBe('Jobs — Lifeboat'));
  });

  it('mirrors job progress pushed by the engine', async () => {
    const { bridge, emit } = fakeBridge({ 'jobs.list': { ok: true, value: [] } });
    bootstrap(bridge, window);
    window.location.hash = '#/jobs';
    useNavigationStore.getState().syncFromHash('#/jobs');
    render(<AppFrame />);
    act(() =>
      emit('jobs.onProgress', {
        id: 'j1', kind: 'restore', title: 'Restore app01', phase: 'running', step: 'writing Hard disk 1', bytesDone: 1048576,
        bytesTotal: 2097152, bytesPerSecond: 1048576, etaSeconds: 1, startedAt: '2026-11-25T00:00:00Z', finishedAt: null, error: null, findings: [],
      }),
    );
    expect(screen.getByText('Restore app01')).toBeTruthy();
    expect(screen.getByTestId('job-bytes').textContent).toBe('1.0 MiB of 2.0 MiB');
    expect((screen.getByRole('progressbar', { name: 'Restore progress' }) as HTMLProgressElement).value).toBe(1048576);
  });
});
