package main

import (
	"fmt"
	"io/ioutil"
	"os"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// A real host knows which VM owns a disk: a running VM holds its disks
// locked (a writer is refused), and VDDK's SAN restore needs the VM to have
// exactly the restore snapshot. The lab VDDK has no host to ask, so the
// simulator writes that state beside every disk of a VM, as
// "<disk>-lab-vm.state" next to "<disk>.vmdk" (native/labvddk/lab-vm-state.c
// reads it):
//
//	vm vm-42
//	power poweredOn
//	snapshots 1

func vmStatePath(descriptor string) string {
	return strings.TrimSuffix(descriptor, ".vmdk") + "-lab-vm.state"
}

func countSnapshots(list []types.VirtualMachineSnapshotTree) int {
	n := 0
	for _, s := range list {
		n += 1 + countSnapshots(s.ChildSnapshotList)
	}
	return n
}

// writeVMState refreshes the state file of every file-backed disk of vm.
// The caller holds the VM's lock or owns the VM exclusively.
func writeVMState(vm *simulator.VirtualMachine) {
	if vm.Config == nil {
		return
	}
	snapshots := 0
	if vm.Snapshot != nil {
		snapshots = countSnapshots(vm.Snapshot.RootSnapshotList)
	}
	text := fmt.Sprintf("# lifeboat lab: the VM that owns this disk\nvm %s\npower %s\nsnapshots %d\n", vm.Self.Value, vm.Runtime.PowerState, snapshots)
	devices := object.VirtualDeviceList(vm.Config.Hardware.Device)
	for _, d := range devices.SelectByType((*types.VirtualDisk)(nil)) {
		b, ok := d.(*types.VirtualDisk).Backing.(*types.VirtualDiskFlatVer2BackingInfo)
		if !ok {
			continue
		}
		p, ok := localPath(b.FileName)
		if !ok {
			continue
		}
		// Written whole and renamed, so the lab VDDK never reads half a file.
		tmp := vmStatePath(p) + ".tmp"
		if err := ioutil.WriteFile(tmp, []byte(text), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "vcsim: writing VM state for %s: %v\n", b.FileName, err)
			continue
		}
		_ = os.Rename(tmp, vmStatePath(p))
	}
}

// refreshVMState writes the state files of the VM behind ref (a VM or one of its snapshots).
func refreshVMState(ref types.ManagedObjectReference) {
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	simulator.Map.WithLock(vm, func() { writeVMState(vm) })
}

// refreshAllVMState writes the state of every VM that is not powered off
// (the lab powers some on in process, without the HTTP hooks).
func refreshAllVMState() {
	for _, e := range simulator.Map.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok && vm.Runtime.PowerState != types.VirtualMachinePowerStatePoweredOff {
			refreshVMState(vm.Self)
		}
	}
}
