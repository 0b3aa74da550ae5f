package main

import (
	"net/http"
	"regexp"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

var vmStateMethod = regexp.MustCompile(`(PowerOnVM_Task|PowerOffVM_Task|SuspendVM_Task|ResetVM_Task|CreateSnapshot_Task|RemoveSnapshot_Task|RevertToSnapshot_Task|RemoveAllSnapshots_Task|CreateVM_Task)[ >]`)

// vmOfSnapshot is the VM a snapshot belongs to (looked up before the call:
// removing a snapshot drops it from the simulator's map).
func vmOfSnapshot(ref types.ManagedObjectReference) (types.ManagedObjectReference, bool) {
	s, ok := simulator.Map.Get(ref).(*simulator.VirtualMachineSnapshot)
	if !ok {
		return types.ManagedObjectReference{}, false
	}
	return s.Vm, true
}

// withTargetHooks wraps the lab's handler: calls that change what a host
// enforces on a VM's disks (power, snapshots) refresh the VM's state files,
// CreateVM is checked against what the target host supports, and the
// datastore file service wants dcPath as an inventory path.
func withTargetHooks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strictDcPath(w, r) {
			return
		}
		body, ok := sdkCallNaming(next, w, r, vmStateMethod)
		if !ok {
			return
		}
		method, err := simulator.UnmarshalBody(types.TypeFunc(), body)
		if err != nil || method == nil {
			next.ServeHTTP(w, r)
			return
		}
		var vm types.ManagedObjectReference
		found := false
		switch req := method.Body.(type) {
		case *types.PowerOnVM_Task:
			vm, found = req.This, true
		case *types.PowerOffVM_Task:
			vm, found = req.This, true
		case *types.SuspendVM_Task:
			vm, found = req.This, true
		case *types.ResetVM_Task:
			vm, found = req.This, true
		case *types.CreateSnapshot_Task:
			vm, found = req.This, true
		case *types.RemoveAllSnapshots_Task:
			vm, found = req.This, true
		case *types.RemoveSnapshot_Task:
			vm, found = vmOfSnapshot(req.This)
		case *types.RevertToSnapshot_Task:
			vm, found = vmOfSnapshot(req.This)
		case *types.CreateVM_Task:
			if fault := checkCreateVM(req); fault != nil {
				writeLabFault(w, fault)
				return
			}
		}
		if !found {
			next.ServeHTTP(w, r)
			return
		}
		// Held back until the state files are written, so a client that saw
		// the task finish never opens a disk against the old state.
		buf := &bufferedResponse{header: http.Header{}}
		next.ServeHTTP(buf, r)
		refreshVMState(vm)
		refreshDatastoreSpace()
		buf.sendTo(w)
	})
}
