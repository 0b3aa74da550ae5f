import { useEffect, type ReactElement } from 'react';
import type { EnvironmentFacts } from '../../../electron/api/contract';
import { LoadView } from '../app/load-view';
import { PageHeader } from '../app/page-header';
import { useEnvironmentStore } from '../stores/environment-store';

/** Ends a message with a full stop so the next sentence reads well. */
function sentence(text: string): string {
  return /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

function yesNo(value: boolean | null): string {
  return value === null ? 'Unknown' : value ? 'Yes' : 'No';
}

function Fact({ label, value, detail, testId, tone }: { label: string; value: string; detail?: string; testId: string; tone?: 'ok' | 'warn' }): ReactElement {
  return (
    <div className="fact" data-testid={testId}>
      <dt>{label}</dt>
      <dd>
        <span className={tone ? `badge badge-${tone}` : undefined}>{value}</span>
        {detail ? <div className="fact-detail">{detail}</div> : null}
      </dd>
    </div>
  );
}

/** What the transports can be on this workstation, in the planner's terms. */
function transportHint(isVm: boolean | null): string {
  if (isVm === true) return 'This workstation is a VM: HotAdd can be used, SAN cannot (XPORT-SAN-NEEDS-PHYSICAL).';
  if (isVm === false) return 'This workstation is physical: SAN can be used where LUNs are visible, HotAdd cannot (XPORT-HOTADD-NEEDS-VM).';
  return 'Whether this workstation is a VM could not be determined; the planner will ask.';
}

function FactsList({ facts }: { facts: EnvironmentFacts }): ReactElement {
  const ws = facts.workstation;
  return (
    <dl className="facts">
      <Fact testId="fact-version" label="Lifeboat" value={facts.app.version} detail={`Front door: ${facts.app.frontDoor}; Node ${facts.app.node}${facts.app.electron ? `; Electron ${facts.app.electron}` : ''}`} />
      <Fact testId="fact-os" label="Operating system" value={`${facts.os.platform} ${facts.os.release} (${facts.os.arch})`} detail={facts.os.description} />
      <Fact
        testId="fact-vm"
        label="Virtual machine"
        value={yesNo(ws.isVirtualMachine) + (ws.hypervisor ? ` — ${ws.hypervisor}` : '')}
        detail={`${transportHint(ws.isVirtualMachine)} Vendor: ${ws.vendor ?? 'unknown'}; product: ${ws.product ?? 'unknown'}. Source: ${ws.evidence}.`}
      />
      <Fact
        testId="fact-vddk"
        label="VDDK"
        value={facts.vddk.found ? `Found (major version ${facts.vddk.majorVersion ?? '?'})` : 'Not found'}
        tone={facts.vddk.found ? 'ok' : 'warn'}
        detail={sentence(facts.vddk.message) + (facts.vddk.found ? '' : ' Local images, exports, planning and the lab keep working without it.')}
      />
      <Fact
        testId="fact-keychain"
        label="Keychain"
        value={facts.keychain.available ? `Available — ${facts.keychain.backend}` : `Not available — ${facts.keychain.backend}`}
        tone={facts.keychain.available ? 'ok' : 'warn'}
        detail={facts.keychain.message}
      />
    </dl>
  );
}

/** About / Environment: the facts the engine detected about this workstation. */
export function AboutPage(): ReactElement {
  const facts = useEnvironmentStore((s) => s.facts);
  const load = useEnvironmentStore((s) => s.load);
  useEffect(() => {
    if (facts.status === 'idle') void load();
  }, [facts.status, load]);
  return (
    <section>
      <PageHeader title="About this workstation">
        What Lifeboat detected here. These facts decide which transports a restore can use.
      </PageHeader>
      <LoadView state={facts} what="the environment">
        {(data) => <FactsList facts={data} />}
      </LoadView>
      <button type="button" className="button" onClick={() => void load()}>
        Detect again
      </button>
    </section>
  );
}
