package main

// Storage policy associations. govmomi 0.24 ignores ConfigSpec.vmProfile and
// its PBM simulator answers PbmQueryAssociatedProfile with nothing; the lab
// remembers the profiles a VM and its disks were given and answers with them
// (rules CRYPT-POLICY-MISSING, BACKUP-SAVE-CONFIG).

import (
	"bytes"
	"fmt"
	"io/ioutil"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/vmware/govmomi/object"
	pbmtypes "github.com/vmware/govmomi/pbm/types"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// The PBM simulator's "VM Encryption Policy".
const vmEncryptionPolicyID = "4d5f673c-536f-11e6-beb8-9e71128cae77"

var associations = struct {
	sync.Mutex
	// "vm-42" for a VM, "vm-42:2000" for its disk with key 2000.
	byEntity map[string][]string
}{byEntity: map[string][]string{}}

func profileIDs(specs []types.BaseVirtualMachineProfileSpec) (ids []string, set bool) {
	for _, s := range specs {
		switch p := s.(type) {
		case *types.VirtualMachineDefinedProfileSpec:
			ids = append(ids, p.ProfileId)
			set = true
		case *types.VirtualMachineEmptyProfileSpec:
			set = true
		}
	}
	return ids, set
}

func associate(key string, ids []string) {
	associations.Lock()
	defer associations.Unlock()
	if len(ids) == 0 {
		delete(associations.byEntity, key)
		return
	}
	associations.byEntity[key] = ids
}

// recordProfiles keeps the VM's and its disks' profiles from a ConfigSpec.
func recordProfiles(vm *simulator.VirtualMachine, spec *types.VirtualMachineConfigSpec) {
	if ids, set := profileIDs(spec.VmProfile); set {
		associate(vm.Self.Value, ids)
	}
	devices := object.VirtualDeviceList(vm.Config.Hardware.Device)
	for _, ch := range spec.DeviceChange {
		dc := ch.GetVirtualDeviceConfigSpec()
		want, isDisk := dc.Device.(*types.VirtualDisk)
		if !isDisk {
			continue
		}
		if dc.Operation == types.VirtualDeviceConfigSpecOperationRemove {
			associate(fmt.Sprintf("%s:%d", vm.Self.Value, want.Key), nil)
			continue
		}
		ids, set := profileIDs(dc.Profile)
		if !set {
			continue
		}
		if disk := vmDiskFor(devices, spec, want); disk != nil {
			associate(fmt.Sprintf("%s:%d", vm.Self.Value, disk.Key), ids)
		}
	}
}

func pbmTypeFunc(name string) (reflect.Type, bool) {
	if t, ok := types.TypeFunc()("pbm:" + name); ok {
		return t, ok
	}
	return types.TypeFunc()(name)
}

// withPolicyAnswers answers PbmQueryAssociatedProfile on /pbm from the lab's
// associations, after the simulator accepted the call (session checked).
func withPolicyAnswers(next http.Handler, w http.ResponseWriter, r *http.Request) bool {
	body, err := ioutil.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = ioutil.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
	method, err := simulator.UnmarshalBody(pbmTypeFunc, body)
	if err != nil || method == nil {
		return false
	}
	req, ok := method.Body.(*pbmtypes.PbmQueryAssociatedProfile)
	if !ok {
		return false
	}
	buf := &bufferedResponse{header: http.Header{}}
	next.ServeHTTP(buf, r)
	if buf.status != 0 && buf.status != http.StatusOK {
		buf.sendTo(w)
		return true
	}
	key := req.Entity.Key
	associations.Lock()
	ids := append([]string(nil), associations.byEntity[key]...)
	associations.Unlock()
	var b strings.Builder
	b.WriteString(soapHead)
	b.WriteString(`<PbmQueryAssociatedProfileResponse xmlns="urn:pbm">`)
	for _, id := range ids {
		fmt.Fprintf(&b, `<returnval><uniqueId>%s</uniqueId></returnval>`, xmlEscape(id))
	}
	b.WriteString(`</PbmQueryAssociatedProfileResponse>`)
	b.WriteString(soapTail)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
	return true
}
