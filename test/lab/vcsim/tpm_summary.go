package main

import (
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// refreshTpmPresent keeps summary.config.tpmPresent in step with the device
// list, as vSphere does; govmomi 0.24 never sets it, so VM lists would show
// no vTPM on the lab's vTPM VMs.
func refreshTpmPresent(vm *simulator.VirtualMachine) {
	present := false
	for _, d := range vm.Config.Hardware.Device {
		if _, ok := d.(*types.VirtualTPM); ok {
			present = true
		}
	}
	vm.Summary.Config.TpmPresent = &present
}
