package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func labCryptoKey() types.CryptoKeyId {
	return types.CryptoKeyId{KeyId: labKeyID, ProviderId: &types.KeyProviderId{Id: labKeyProvider}}
}

// labEncryptionBundle is shaped like the value vSphere keeps in
// extraConfig encryption.bundle; only its round trip matters to the lab.
func labEncryptionBundle() string {
	inner := fmt.Sprintf("pair/(fqid/<VMWARE-NULL>/%s/%s,HMAC-SHA-256,lab-wrapped-key)", labKeyProvider, labKeyID)
	return "vmware:key/list/(" + base64.StdEncoding.EncodeToString([]byte(inner)) + ")"
}

// cryptoKeyOf returns the key a CryptoSpec asks for; ok=false means "leave
// as is", a nil key with ok=true means "decrypt".
func cryptoKeyOf(spec types.BaseCryptoSpec) (*types.CryptoKeyId, bool) {
	switch c := spec.(type) {
	case *types.CryptoSpecEncrypt:
		k := c.CryptoKeyId
		return &k, true
	case *types.CryptoSpecShallowRecrypt:
		k := c.NewKeyId
		return &k, true
	case *types.CryptoSpecDeepRecrypt:
		k := c.NewKeyId
		return &k, true
	case *types.CryptoSpecDecrypt:
		return nil, true
	}
	return nil, false
}

// applyCrypto stores ConfigSpec.crypto as ConfigInfo.keyId and each disk
// spec's backing crypto as that disk's backing keyId (govmomi 0.24 drops both).
func applyCrypto(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec) {
	if spec.Crypto != nil {
		if key, ok := cryptoKeyOf(spec.Crypto); ok {
			simulator.Map.Update(vm, []types.PropertyChange{{Name: "config.keyId", Val: key}})
			if key == nil {
				vm.Config.KeyId = nil
			}
		}
	}
	devices := object.VirtualDeviceList(vm.Config.Hardware.Device)
	for _, ch := range spec.DeviceChange {
		dc := ch.GetVirtualDeviceConfigSpec()
		if dc.Backing == nil || dc.Backing.Crypto == nil {
			continue
		}
		key, ok := cryptoKeyOf(dc.Backing.Crypto)
		if !ok {
			continue
		}
		want, isDisk := dc.Device.(*types.VirtualDisk)
		if !isDisk {
			continue
		}
		if disk := vmDiskFor(devices, spec, want); disk != nil {
			if b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok {
				b.KeyId = key
			}
		}
	}
}

// dedupeExtraConfig keeps the last value set for each key and drops keys set
// to "" (vSphere's way to delete an option); the simulator only appends.
func dedupeExtraConfig(vm *simulator.VirtualMachine) {
	last := map[string]int{}
	for i, o := range vm.Config.ExtraConfig {
		last[o.GetOptionValue().Key] = i
	}
	var out []types.BaseOptionValue
	for i, o := range vm.Config.ExtraConfig {
		v := o.GetOptionValue()
		if last[v.Key] != i {
			continue
		}
		if s, ok := v.Value.(string); ok && s == "" {
			continue
		}
		out = append(out, o)
	}
	vm.Config.ExtraConfig = out
}

// cryptoManagerKmip answers for ServiceContent.cryptoManager, which
// govmomi 0.24 names but does not implement.
type cryptoManagerKmip struct {
	mo.CryptoManagerKmip
}

func (m *cryptoManagerKmip) ListKmipServers(req *types.ListKmipServers) soap.HasFault {
	return &methods.ListKmipServersBody{Res: &types.ListKmipServersResponse{Returnval: m.KmipServers}}
}

// GenerateKey makes a new key on the lab key provider (the restore fallback
// "encrypt with new keys"); ListKeys lists it afterwards.
func (m *cryptoManagerKmip) GenerateKey(req *types.GenerateKey) soap.HasFault {
	provider := labKeyProvider
	if req.KeyProvider != nil && req.KeyProvider.Id != "" {
		provider = req.KeyProvider.Id
	}
	if provider != labKeyProvider {
		return &methods.GenerateKeyBody{Res: &types.GenerateKeyResponse{Returnval: types.CryptoKeyResult{
			KeyId: types.CryptoKeyId{ProviderId: &types.KeyProviderId{Id: provider}}, Success: false, Reason: "no such key provider",
		}}}
	}
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	key := types.CryptoKeyId{KeyId: fmt.Sprintf("%x-%x-%x-%x-%x", buf[0:4], buf[4:6], buf[6:8], buf[8:10], buf[10:16]), ProviderId: &types.KeyProviderId{Id: provider}}
	generatedKeysMu.Lock()
	generatedKeys = append(generatedKeys, key)
	generatedKeysMu.Unlock()
	return &methods.GenerateKeyBody{Res: &types.GenerateKeyResponse{Returnval: types.CryptoKeyResult{KeyId: key, Success: true}}}
}

var (
	generatedKeysMu sync.Mutex
	generatedKeys   []types.CryptoKeyId
)

func (m *cryptoManagerKmip) ListKeys(req *types.ListKeys) soap.HasFault {
	generatedKeysMu.Lock()
	keys := append([]types.CryptoKeyId{labCryptoKey()}, generatedKeys...)
	generatedKeysMu.Unlock()
	return &methods.ListKeysBody{Res: &types.ListKeysResponse{Returnval: keys}}
}

// installKeyProvider registers one KMIP key provider holding the lab key.
func installKeyProvider() []string {
	content := simulator.Map.Get(vim25.ServiceInstance).(*simulator.ServiceInstance).Content
	if content.CryptoManager == nil {
		return []string{}
	}
	m := &cryptoManagerKmip{}
	m.Self = *content.CryptoManager
	m.Enabled = true
	m.KmipServers = []types.KmipClusterInfo{{
		ClusterId:    types.KeyProviderId{Id: labKeyProvider},
		UseAsDefault: true,
		Servers: []types.KmipServerInfo{{
			Name:     "lab-kmip-0",
			Address:  "192.0.2.30",
			Port:     5696,
			Protocol: "KMIP1.1",
		}},
	}}
	simulator.Map.Put(m)
	return []string{labKeyProvider}
}

// storagePolicyNames are the profiles of govmomi's PBM simulator (vcenter mode).
func storagePolicyNames() []string {
	return []string{
		"vSAN Default Storage Policy",
		"VVol No Requirements Policy",
		"VM Encryption Policy",
		"Host-local PMem Default Storage Policy",
	}
}

// labMode is "vcenter" or "esxi": only vCenter has storage policies to insist on.
var labMode = "vcenter"

// encryptKey returns the key a CryptoSpec encrypts with (encrypt or recrypt).
func encryptKey(spec types.BaseCryptoSpec) (*types.CryptoKeyId, bool) {
	key, ok := cryptoKeyOf(spec)
	return key, ok && key != nil
}

func associatedWithEncryptionPolicy(entity string) bool {
	associations.Lock()
	defer associations.Unlock()
	for _, id := range associations.byEntity[entity] {
		if id == vmEncryptionPolicyID {
			return true
		}
	}
	return false
}

func hasEncryptionPolicy(specs []types.BaseVirtualMachineProfileSpec) bool {
	ids, _ := profileIDs(specs)
	for _, id := range ids {
		if id == vmEncryptionPolicyID {
			return true
		}
	}
	return false
}

// keyHeldByHost reports whether a standalone host can encrypt with key. A host
// without a key provider is not crypto safe and fetches no key: the only keys it
// holds are those of encrypted VMs already registered and unlocked on it, so it
// can add a disk to such a VM with the VM's own key and nothing else.
func keyHeldByHost(vm *simulator.VirtualMachine, key *types.CryptoKeyId) bool {
	if labMode != "esxi" {
		return true
	}
	if vm == nil || vm.Config.KeyId == nil || key == nil {
		return false
	}
	held := vm.Config.KeyId
	sameProvider := (held.ProviderId == nil) == (key.ProviderId == nil) && (held.ProviderId == nil || held.ProviderId.Id == key.ProviderId.Id)
	return held.KeyId == key.KeyId && sameProvider
}

// cryptoSpecRefusal returns the property vCenter names when it refuses a
// CreateVM (vm nil) or ReconfigVM spec for its encryption or vTPM parts, or "":
// on vCenter, encrypting the VM home or a disk needs an encryption storage
// policy on it; an encrypted disk or a vTPM needs an encrypted VM home (a key
// from a key provider); a vTPM needs EFI firmware. A standalone host (esxi
// mode) has no key provider, so it encrypts nothing new: no encrypted home, no
// vTPM (which lives in one), no disk with a key it does not hold.
func cryptoSpecRefusal(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec) string {
	homeKey, encryptsHome := encryptKey(spec.Crypto)
	if encryptsHome && !keyHeldByHost(nil, homeKey) {
		return "spec.crypto"
	}
	if encryptsHome {
		// A reconfigure may rely on the policy the VM already has.
		if labMode == "vcenter" && !hasEncryptionPolicy(spec.VmProfile) && !(vm != nil && associatedWithEncryptionPolicy(vm.Self.Value)) {
			return "spec.crypto"
		}
	}
	_, decrypts := spec.Crypto.(*types.CryptoSpecDecrypt)
	homeEncrypted := encryptsHome || (vm != nil && vm.Config.KeyId != nil && !decrypts)
	firmware := spec.Firmware
	if firmware == "" && vm != nil {
		firmware = vm.Config.Firmware
	}
	for _, ch := range spec.DeviceChange {
		dc := ch.GetVirtualDeviceConfigSpec()
		if dc.Operation == types.VirtualDeviceConfigSpecOperationRemove {
			continue
		}
		if dc.Backing != nil {
			if diskKey, ok := encryptKey(dc.Backing.Crypto); ok {
				if !keyHeldByHost(vm, diskKey) {
					return "spec.disk.backing.crypto"
				}
				if labMode == "vcenter" && !hasEncryptionPolicy(dc.Profile) {
					return "spec.disk.backing.crypto"
				}
				if !homeEncrypted {
					return "spec.crypto"
				}
			}
		}
		if _, isTpm := dc.Device.(*types.VirtualTPM); isTpm && dc.Operation == types.VirtualDeviceConfigSpecOperationAdd {
			if firmware != string(types.GuestOsDescriptorFirmwareTypeEfi) {
				return "spec.firmware"
			}
			// Adding a vTPM needs a key provider (vSphere's documented prerequisite); a standalone host has none.
			if labMode == "esxi" {
				return "spec.crypto"
			}
			if !homeEncrypted {
				return "spec.crypto"
			}
		}
	}
	return ""
}
