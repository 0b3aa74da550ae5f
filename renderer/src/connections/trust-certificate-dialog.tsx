import type { ReactElement } from 'react';
import type { ServerProbe } from '../../../electron/api/contract';

/**
 * CONN-THUMBPRINT: the user decides whether to trust a certificate after
 * comparing its thumbprints with the server's console. A changed certificate
 * cannot be trusted from here: it may be an interception.
 */
export function TrustCertificateDialog({
  probe,
  busy,
  onTrust,
  onCancel,
}: {
  probe: ServerProbe;
  busy: boolean;
  onTrust: () => void;
  onCancel: () => void;
}): ReactElement {
  const changed = probe.trust === 'changed';
  return (
    <div className="dialog-backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="trust-title">
        <h2 id="trust-title">{changed ? 'Certificate changed — possible interception' : `Trust the certificate of ${probe.server}?`}</h2>
        {changed ? (
          <p className="notice notice-error">
            <strong>CONN-THUMBPRINT:</strong> {probe.server} now presents a different certificate from the one trusted before. Lifeboat refuses to
            connect. If the certificate was replaced on purpose, remove the saved connection and add it again after checking the new thumbprint with
            the administrator.
          </p>
        ) : (
          <p>
            Compare these thumbprints with the ones shown on the server (ESXi DCUI, vCenter appliance console or your administrator) before trusting.
            Lifeboat refuses the server later if its certificate changes.
          </p>
        )}
        <dl className="thumbprints">
          <dt>SHA-256</dt>
          <dd className="mono" data-testid="thumbprint-sha256">
            {probe.thumbprintSha256}
          </dd>
          <dt>SHA-1</dt>
          <dd className="mono" data-testid="thumbprint-sha1">
            {probe.thumbprintSha1}
          </dd>
        </dl>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {changed ? 'Close' : 'Cancel'}
          </button>
          {changed ? null : (
            <button type="button" className="button" onClick={onTrust} disabled={busy}>
              {busy ? 'Connecting…' : 'Trust and connect'}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
