package main

import (
	"fmt"
	"regexp"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// The simulator names a device after its type and keys ("disk-1000-0"); vCenter
// calls a VM's disks "Hard disk 1", "Hard disk 2", … in the order they were
// added, and a disk added later gets the next number after the highest one.
var simulatorDiskLabel = regexp.MustCompile(`^disk-\d+-\d+$`)

var vcenterDiskLabel = regexp.MustCompile(`^Hard disk (\d+)$`)

// labelDisksLikeVcenter renames the disks the simulator named, keeping the
// labels vCenter would already have given (call with the VM locked).
func labelDisksLikeVcenter(vm *simulator.VirtualMachine) {
	if vm.Config == nil {
		return
	}
	highest := 0
	var unnamed []*types.VirtualDisk
	for _, d := range vm.Config.Hardware.Device {
		disk, ok := d.(*types.VirtualDisk)
		if !ok {
			continue
		}
		label := ""
		if disk.DeviceInfo != nil {
			label = disk.DeviceInfo.GetDescription().Label
		}
		if label == "" || simulatorDiskLabel.MatchString(label) {
			unnamed = append(unnamed, disk)
			continue
		}
		var n int
		if m := vcenterDiskLabel.FindStringSubmatch(label); m != nil {
			if _, err := fmt.Sscan(m[1], &n); err == nil && n > highest {
				highest = n
			}
		}
	}
	// The device list keeps the order devices were added in (keys need not: the lab picks some).
	for _, disk := range unnamed {
		highest++
		label := fmt.Sprintf("Hard disk %d", highest)
		if disk.DeviceInfo == nil {
			disk.DeviceInfo = &types.Description{Label: label, Summary: fmt.Sprintf("%d KB", disk.CapacityInKB)}
		} else {
			disk.DeviceInfo.GetDescription().Label = label
		}
	}
}

// labelAllDisksLikeVcenter names the disks of every VM the lab was built with.
func labelAllDisksLikeVcenter() {
	for _, obj := range simulator.Map.All("VirtualMachine") {
		if vm, ok := obj.(*simulator.VirtualMachine); ok {
			simulator.Map.WithLock(vm, func() { labelDisksLikeVcenter(vm) })
		}
	}
}
