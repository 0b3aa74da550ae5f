package main

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/types"
)

// Names of the special VMs; other tests rely on them.
const (
	vmThinThick = "lab-thin-thick"
	vmEfiVtpm   = "lab-efi-vtpm"
	vmEncrypted = "lab-encrypted"
	vmIdeDisk   = "lab-ide-disk"
	vmProxy     = "lab-proxy"
)

// The key the encrypted VM uses, from the lab's key provider.
const (
	labKeyProvider = "lifeboat-lab-kms"
	labKeyID       = "8b5c4a3e-lab0-4e1f-9d2a-000000000001"
)

const mib = int64(1) << 20

type diskKind int

const (
	diskThin diskKind = iota
	diskLazyThick
	diskEagerThick
)

// newDisk makes a disk on the given controller with an explicit file name
// (NAME.vmdk, NAME_1.vmdk, ...) in the VM's folder of the datastore.
func newDisk(devices object.VirtualDeviceList, controller types.BaseVirtualDevice, ds, vm string, index int, size int64, kind diskKind) *types.VirtualDisk {
	file := fmt.Sprintf("[%s] %s/%s.vmdk", ds, vm, vm)
	if index > 0 {
		file = fmt.Sprintf("[%s] %s/%s_%d.vmdk", ds, vm, vm, index)
	}
	disk := &types.VirtualDisk{
		CapacityInKB:    size / 1024,
		CapacityInBytes: size,
		VirtualDevice: types.VirtualDevice{
			Backing: &types.VirtualDiskFlatVer2BackingInfo{
				DiskMode:                     string(types.VirtualDiskModePersistent),
				ThinProvisioned:              types.NewBool(kind == diskThin),
				EagerlyScrub:                 types.NewBool(kind == diskEagerThick),
				VirtualDeviceFileBackingInfo: types.VirtualDeviceFileBackingInfo{FileName: file},
			},
		},
	}
	devices.AssignController(disk, controller.(types.BaseVirtualController))
	return disk
}

func scsiController(devices object.VirtualDeviceList, kind string, bus int32) types.BaseVirtualDevice {
	c, _ := devices.CreateSCSIController(kind)
	c.(types.BaseVirtualSCSIController).GetVirtualSCSIController().BusNumber = bus
	return c
}

func vmSpec(name string, devices object.VirtualDeviceList) types.VirtualMachineConfigSpec {
	spec := types.VirtualMachineConfigSpec{
		Name:     name,
		GuestId:  string(types.VirtualMachineGuestOsIdentifierOtherLinux64Guest),
		NumCPUs:  2,
		MemoryMB: 2048,
		Files:    &types.VirtualMachineFileInfo{VmPathName: "[" + vmfsDatastore + "]"},
	}
	spec.DeviceChange, _ = devices.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
	return spec
}

// vtpm is a VirtualTPM as vSphere reports one: its endorsement key
// certificates (RSA and ECC, DER) and their signing requests come with the
// device, and a restore must carry them over (VTPM-RESTORE).
func vtpm(vm string) *types.VirtualTPM {
	der := func(kind string) []byte { return []byte("lab-" + kind + "-" + vm) }
	return &types.VirtualTPM{
		VirtualDevice:                           types.VirtualDevice{Key: 11000},
		EndorsementKeyCertificateSigningRequest: [][]byte{der("rsa-csr"), der("ecc-csr")},
		EndorsementKeyCertificate:               [][]byte{der("rsa-ek-cert"), der("ecc-ek-cert")},
	}
}

func specialVMSpecs() []types.VirtualMachineConfigSpec {
	var specs []types.VirtualMachineConfigSpec

	// Thin, lazy-zeroed thick and independent disks on PVSCSI and LSI Logic.
	{
		var d object.VirtualDeviceList
		pv := scsiController(d, "pvscsi", 0)
		d = append(d, pv)
		lsi := scsiController(d, "lsilogic", 1)
		d = append(d, lsi)
		thin := newDisk(d, pv, vmfsDatastore, vmThinThick, 0, 64*mib, diskThin)
		d = append(d, thin)
		thick := newDisk(d, pv, vmfsDatastore, vmThinThick, 1, 32*mib, diskLazyThick)
		d = append(d, thick)
		indep := newDisk(d, lsi, vmfsDatastore, vmThinThick, 2, 16*mib, diskThin)
		indep.Backing.(*types.VirtualDiskFlatVer2BackingInfo).DiskMode = string(types.VirtualDiskModeIndependent_persistent)
		d = append(d, indep)
		specs = append(specs, vmSpec(vmThinThick, d))
	}

	// EFI firmware with a virtual TPM (VTPM-FIRMWARE, VTPM-RESTORE). As in
	// vSphere, a vTPM lives in an encrypted VM home: keyId and
	// encryption.bundle are set, the disk stays plain.
	{
		var d object.VirtualDeviceList
		pv := scsiController(d, "pvscsi", 0)
		d = append(d, pv)
		d = append(d, newDisk(d, pv, vmfsDatastore, vmEfiVtpm, 0, 32*mib, diskThin), vtpm(vmEfiVtpm))
		spec := vmSpec(vmEfiVtpm, d)
		spec.Firmware = string(types.GuestOsDescriptorFirmwareTypeEfi)
		spec.GuestId = string(types.VirtualMachineGuestOsIdentifierWindows9_64Guest)
		spec.Crypto = &types.CryptoSpecEncrypt{CryptoKeyId: labCryptoKey()}
		spec.ExtraConfig = []types.BaseOptionValue{&types.OptionValue{Key: "encryption.bundle", Value: labEncryptionBundle()}}
		specs = append(specs, spec)
	}

	// Encrypted VM: keyId, encryption.bundle, vTPM, EFI (CRYPT-KEYS-SAVED).
	{
		var d object.VirtualDeviceList
		pv := scsiController(d, "pvscsi", 0)
		d = append(d, pv)
		disk := newDisk(d, pv, vmfsDatastore, vmEncrypted, 0, 32*mib, diskThin)
		d = append(d, disk, vtpm(vmEncrypted))
		spec := vmSpec(vmEncrypted, d)
		spec.Firmware = string(types.GuestOsDescriptorFirmwareTypeEfi)
		spec.GuestId = string(types.VirtualMachineGuestOsIdentifierWindows9_64Guest)
		key := labCryptoKey()
		spec.Crypto = &types.CryptoSpecEncrypt{CryptoKeyId: key}
		for _, ch := range spec.DeviceChange {
			if dc := ch.GetVirtualDeviceConfigSpec(); dc.Device == types.BaseVirtualDevice(disk) {
				dc.Backing = &types.VirtualDeviceConfigSpecBackingSpec{Crypto: &types.CryptoSpecEncrypt{CryptoKeyId: key}}
			}
		}
		spec.ExtraConfig = []types.BaseOptionValue{&types.OptionValue{Key: "encryption.bundle", Value: labEncryptionBundle()}}
		policy := []types.BaseVirtualMachineProfileSpec{&types.VirtualMachineDefinedProfileSpec{ProfileId: vmEncryptionPolicyID}}
		spec.VmProfile = policy
		for _, ch := range spec.DeviceChange {
			if dc := ch.GetVirtualDeviceConfigSpec(); dc.Device == types.BaseVirtualDevice(disk) {
				dc.Profile = policy
			}
		}
		specs = append(specs, spec)
	}

	// A disk on an IDE controller (XPORT-HOTADD-IDE).
	{
		var d object.VirtualDeviceList
		// The simulator gives every VM IDE controllers 200 (bus 0) and 201 (bus 1).
		ide := &types.VirtualIDEController{VirtualController: types.VirtualController{
			VirtualDevice: types.VirtualDevice{Key: 200}}}
		d = append(d, newDisk(d, ide, vmfsDatastore, vmIdeDisk, 0, 16*mib, diskThin))
		specs = append(specs, vmSpec(vmIdeDisk, d))
	}

	// HotAdd proxy: SCSI buses 0 and 1, a disk on each (XPORT-HOTADD-CONTROLLER-ORDER).
	{
		var d object.VirtualDeviceList
		c0 := scsiController(d, "pvscsi", 0)
		d = append(d, c0)
		c1 := scsiController(d, "pvscsi", 1)
		d = append(d, c1)
		d = append(d, newDisk(d, c0, vmfsDatastore, vmProxy, 0, 16*mib, diskThin))
		d = append(d, newDisk(d, c1, vmfsDatastore, vmProxy, 1, 1*mib, diskThin))
		specs = append(specs, vmSpec(vmProxy, d))
	}
	return specs
}

func createSpecialVMs(ctx context.Context, c *vim25.Client, p placement) ([]string, error) {
	var names []string
	for _, spec := range specialVMSpecs() {
		ref, err := createVM(ctx, p, spec)
		if err != nil {
			return nil, err
		}
		names = append(names, spec.Name)
		// A HotAdd proxy is a running VM; the others are restore sources/targets.
		if spec.Name == vmProxy {
			task, err := object.NewVirtualMachine(c, ref).PowerOn(ctx)
			if err == nil {
				err = task.Wait(ctx)
			}
			if err != nil {
				return nil, fmt.Errorf("powering on %s: %w", vmProxy, err)
			}
		}
	}
	return names, nil
}
