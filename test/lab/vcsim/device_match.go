package main

import (
	"reflect"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25/types"
)

// The hook decodes its own copy of a ConfigSpec, so new devices there still
// carry the client's temporary (negative) keys while the simulator has
// assigned real ones. vmDiskFor finds the VM's disk a spec disk became.
func vmDiskFor(vmDevices object.VirtualDeviceList, spec *types.VirtualMachineConfigSpec, want *types.VirtualDisk) *types.VirtualDisk {
	disks := vmDevices.SelectByType((*types.VirtualDisk)(nil))
	if want.Key > 0 {
		if d, ok := vmDevices.FindByKey(want.Key).(*types.VirtualDisk); ok {
			return d
		}
	}
	if b, ok := want.Backing.(types.BaseVirtualDeviceFileBackingInfo); ok {
		var p object.DatastorePath
		name := b.GetVirtualDeviceFileBackingInfo().FileName
		if p.FromString(name) && p.Path != "" {
			for _, d := range disks {
				if fb, ok := d.GetVirtualDevice().Backing.(types.BaseVirtualDeviceFileBackingInfo); ok && fb.GetVirtualDeviceFileBackingInfo().FileName == name {
					return d.(*types.VirtualDisk)
				}
			}
		}
	}
	if want.UnitNumber == nil {
		return nil
	}
	controller := vmControllerFor(vmDevices, spec, want.ControllerKey)
	if controller == nil {
		return nil
	}
	for _, d := range disks {
		v := d.GetVirtualDevice()
		if v.ControllerKey == controller.GetVirtualDevice().Key && v.UnitNumber != nil && *v.UnitNumber == *want.UnitNumber {
			return d.(*types.VirtualDisk)
		}
	}
	return nil
}

// vmControllerFor resolves a spec's controller key: an existing controller,
// or one added in the same spec, found again by its type and bus number.
func vmControllerFor(vmDevices object.VirtualDeviceList, spec *types.VirtualMachineConfigSpec, key int32) types.BaseVirtualDevice {
	if key > 0 {
		if c := vmDevices.FindByKey(key); c != nil {
			return c
		}
	}
	for _, ch := range spec.DeviceChange {
		added := ch.GetVirtualDeviceConfigSpec().Device
		if added == nil || added.GetVirtualDevice().Key != key {
			continue
		}
		ctl, ok := added.(types.BaseVirtualController)
		if !ok {
			return nil
		}
		for _, d := range vmDevices {
			if c, ok := d.(types.BaseVirtualController); ok && reflect.TypeOf(d) == reflect.TypeOf(added) &&
				c.GetVirtualController().BusNumber == ctl.GetVirtualController().BusNumber {
				return d
			}
		}
	}
	return nil
}
