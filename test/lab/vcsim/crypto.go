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
