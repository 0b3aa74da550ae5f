import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, type ReactElement } from 'react';
import type { VmRow } from '../../../electron/api/contract';
import { LoadView } from '../app/load-view';
import { useInventoryStore } from '../stores/inventory-store';

const ROW_HEIGHT = 36;

function VmList({ vms }: { vms: VmRow[] }): ReactElement {
  const filter = useInventoryStore((s) => s.filter);
  const setFilter = useInventoryStore((s) => s.setFilter);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? vms.filter((v) => v.name.toLowerCase().includes(needle)) : vms;
  }, [vms, filter]);
  const scroller = useRef<HTMLDivElement>(null);
  // Only the rows in view are in the DOM, so thousands of VMs scroll smoothly.
  const virtualizer = useVirtualizer({ count: shown.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  return (
    <div>
      <div className="toolbar">
        <input aria-label="Filter VMs" placeholder="e.g. web or sql" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="muted" data-testid="vm-count">
          {shown.length === vms.length ? `${vms.length} VMs` : `${shown.length} of ${vms.length} VMs`}
        </span>
      </div>
      <div className="vm-header" role="presentation">
        <span>Name</span>
        <span>Power</span>
        <span>Guest</span>
        <span>Firmware</span>
        <span>Disks</span>
        <span>Security</span>
      </div>
      <div ref={scroller} className="vm-scroller" data-testid="vm-scroller" role="list" aria-label="Virtual machines">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const vm = shown[item.index];
            if (!vm) return null;
            return (
              <div key={vm.moref} role="listitem" className="vm-row" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}>
                <span title={vm.moref}>{vm.name}</span>
                <span>{vm.powerState}</span>
                <span>{vm.guestFamily}</span>
                <span>{vm.firmware}</span>
                <span>{vm.diskCount}</span>
                <span>{[vm.encrypted ? 'encrypted' : null, vm.hasVtpm ? 'vTPM' : null].filter(Boolean).join(', ') || '—'}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** Inventory browser for one connection. */
export function VmBrowser(): ReactElement | null {
  const connection = useInventoryStore((s) => s.connection);
  const vms = useInventoryStore((s) => s.vms);
  const close = useInventoryStore((s) => s.close);
  if (!connection) return null;
  return (
    <section className="card" aria-label={`Virtual machines of ${connection}`}>
      <div className="toolbar">
        <h2>Virtual machines — {connection}</h2>
        <button type="button" className="button button-secondary" onClick={close}>
          Close
        </button>
      </div>
      <LoadView state={vms} what="the virtual machines">
        {(list) => <VmList vms={list} />}
      </LoadView>
    </section>
  );
}
