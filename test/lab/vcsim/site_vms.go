package main

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// A small company's site for recovery rehearsals (--site): 30 named VMs,
// powered off, spread over the cluster's hosts and the two site datastores.
// The list is stable and documented in README.md; tests and the example
// recovery plan (resources/recovery/lab-site-recovery.yaml) name these VMs.

// siteEncryption says how a site VM is encrypted, as vSphere makes such VMs.
type siteEncryption string

const (
	// siteNoEncryption: a plain VM.
	siteNoEncryption siteEncryption = "none"
	// siteHomeEncrypted: EFI + vTPM, the VM home encrypted, the disks plain (as lab-efi-vtpm).
	siteHomeEncrypted siteEncryption = "home"
	// siteFullyEncrypted: EFI + vTPM, home and every disk encrypted under the VM Encryption Policy (as lab-encrypted).
	siteFullyEncrypted siteEncryption = "full"
)

type siteVM struct {
	name       string
	role       string
	windows    bool
	datastore  string
	diskMiB    []int64
	encryption siteEncryption
}

// siteVMList is the site in its recovery order: identity, data, applications, the rest.
// VM n of the list runs on cluster host n mod hosts.
var siteVMList = []siteVM{
	{"dc01", "identity", true, siteDatastore1, []int64{32}, siteHomeEncrypted},
	{"dc02", "identity", true, siteDatastore2, []int64{32}, siteHomeEncrypted},
	{"dns01", "identity", false, siteDatastore1, []int64{8}, siteNoEncryption},
	{"dns02", "identity", false, siteDatastore2, []int64{8}, siteNoEncryption},
	{"ca01", "identity", true, siteDatastore1, []int64{16}, siteHomeEncrypted},
	{"sql01", "data", true, siteDatastore1, []int64{32, 64}, siteFullyEncrypted},
	{"sql02", "data", true, siteDatastore2, []int64{32, 64}, siteFullyEncrypted},
	{"pg01", "data", false, siteDatastore2, []int64{16, 48}, siteNoEncryption},
	{"file01", "data", true, siteDatastore1, []int64{64, 32}, siteNoEncryption},
	{"file02", "data", true, siteDatastore2, []int64{64}, siteNoEncryption},
	{"mail01", "data", true, siteDatastore1, []int64{32, 48}, siteFullyEncrypted},
	{"app01", "apps", false, siteDatastore1, []int64{16}, siteNoEncryption},
	{"app02", "apps", false, siteDatastore2, []int64{16}, siteNoEncryption},
	{"app03", "apps", true, siteDatastore1, []int64{24}, siteNoEncryption},
	{"app04", "apps", true, siteDatastore2, []int64{24}, siteNoEncryption},
	{"app05", "apps", false, siteDatastore1, []int64{16}, siteNoEncryption},
	{"app06", "apps", false, siteDatastore2, []int64{16}, siteNoEncryption},
	{"erp01", "apps", true, siteDatastore1, []int64{32, 16}, siteNoEncryption},
	{"crm01", "apps", false, siteDatastore2, []int64{24}, siteNoEncryption},
	{"web01", "web", false, siteDatastore1, []int64{8}, siteNoEncryption},
	{"web02", "web", false, siteDatastore2, []int64{8}, siteNoEncryption},
	{"web03", "web", false, siteDatastore1, []int64{8}, siteNoEncryption},
	{"web04", "web", false, siteDatastore2, []int64{8}, siteNoEncryption},
	{"print01", "infrastructure", true, siteDatastore1, []int64{8}, siteNoEncryption},
	{"mon01", "infrastructure", false, siteDatastore2, []int64{16}, siteNoEncryption},
	{"log01", "infrastructure", false, siteDatastore1, []int64{32}, siteNoEncryption},
	{"jump01", "infrastructure", true, siteDatastore2, []int64{16}, siteHomeEncrypted},
	{"wsus01", "infrastructure", true, siteDatastore1, []int64{48}, siteNoEncryption},
	{"vpn01", "infrastructure", false, siteDatastore2, []int64{4}, siteNoEncryption},
	{"build01", "infrastructure", false, siteDatastore1, []int64{32}, siteNoEncryption},
}

// siteVMInfo is one site VM in the JSON line (`siteVms`).
type siteVMInfo struct {
	Name       string  `json:"name"`
	Role       string  `json:"role"`
	Host       string  `json:"host"`
	Datastore  string  `json:"datastore"`
	DiskMiB    []int64 `json:"diskMiB"`
	Firmware   string  `json:"firmware"`
	Encryption string  `json:"encryption"`
	GuestID    string  `json:"guestId"`
}

// The network every site VM's NIC is on (a recovery plan maps it).
const siteNetwork = "VM Network"

func (v siteVM) guestID() string {
	if v.windows {
		return string(types.VirtualMachineGuestOsIdentifierWindows2019srv_64Guest)
	}
	return string(types.VirtualMachineGuestOsIdentifierRhel8_64Guest)
}

// spec builds the VM's ConfigSpec: PVSCSI disks (thin), a vmxnet3 NIC, and
// for encrypted VMs EFI + vTPM + keyId + encryption.bundle as vSphere makes them.
func (v siteVM) spec() types.VirtualMachineConfigSpec {
	var d object.VirtualDeviceList
	pv := scsiController(d, "pvscsi", 0)
	d = append(d, pv)
	var disks []*types.VirtualDisk
	for i, size := range v.diskMiB {
		disk := newDisk(d, pv, v.datastore, v.name, i, size*mib, diskThin)
		d = append(d, disk)
		disks = append(disks, disk)
	}
	nic, _ := d.CreateEthernetCard("vmxnet3", &types.VirtualEthernetCardNetworkBackingInfo{
		VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: siteNetwork},
	})
	d = append(d, nic)
	if v.encryption != siteNoEncryption {
		d = append(d, vtpm(v.name))
	}
	spec := vmSpec(v.name, d)
	spec.Files = &types.VirtualMachineFileInfo{VmPathName: "[" + v.datastore + "]"}
	spec.GuestId = v.guestID()
	if v.encryption == siteNoEncryption {
		return spec
	}
	key := labCryptoKey()
	spec.Firmware = string(types.GuestOsDescriptorFirmwareTypeEfi)
	spec.Crypto = &types.CryptoSpecEncrypt{CryptoKeyId: key}
	spec.ExtraConfig = []types.BaseOptionValue{&types.OptionValue{Key: "encryption.bundle", Value: labEncryptionBundle()}}
	if v.encryption == siteFullyEncrypted {
		policy := []types.BaseVirtualMachineProfileSpec{&types.VirtualMachineDefinedProfileSpec{ProfileId: vmEncryptionPolicyID}}
		spec.VmProfile = policy
		for _, ch := range spec.DeviceChange {
			dc := ch.GetVirtualDeviceConfigSpec()
			for _, disk := range disks {
				if dc.Device == types.BaseVirtualDevice(disk) {
					dc.Backing = &types.VirtualDeviceConfigSpecBackingSpec{Crypto: &types.CryptoSpecEncrypt{CryptoKeyId: key}}
					dc.Profile = policy
				}
			}
		}
	}
	return spec
}

// createSiteVMs makes the site's VMs on the cluster's hosts (VM n on host
// n mod hosts) and writes their disks' data.
func createSiteVMs(ctx context.Context, p placement, clusterHosts []*simulator.HostSystem) ([]siteVMInfo, error) {
	if len(clusterHosts) == 0 {
		return nil, fmt.Errorf("--site needs a cluster (vcenter mode)")
	}
	var out []siteVMInfo
	for i, v := range siteVMList {
		host := clusterHosts[i%len(clusterHosts)]
		on := p
		on.host = object.NewHostSystem(p.pool.Client(), host.Self)
		spec := v.spec()
		if _, err := createVM(ctx, on, spec); err != nil {
			return nil, err
		}
		for n, size := range v.diskMiB {
			if err := writeSiteDiskData(v, n, size*mib); err != nil {
				return nil, err
			}
		}
		firmware := "bios"
		if v.encryption != siteNoEncryption {
			firmware = "efi"
		}
		out = append(out, siteVMInfo{
			Name: v.name, Role: v.role, Host: host.Name, Datastore: v.datastore, DiskMiB: v.diskMiB,
			Firmware: firmware, Encryption: string(v.encryption), GuestID: v.guestID(),
		})
	}
	return out, nil
}
