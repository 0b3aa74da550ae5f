package main

import (
	"sort"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// The ESXi releases the lab's hosts report: DC0's hosts (and the esxi mode
// host) are 8.0.2, the disaster-recovery site's host is older, so a VM saved
// with a newer hardware version does not fit there (DATA-HW-VERSION).
const (
	labEsxiVersion = "8.0.2"
	labEsxiBuild   = "22380479"
	drEsxiVersion  = "7.0.1"
	drEsxiBuild    = "16850804"
)

// highestHardwareVersion is the newest virtual hardware each ESXi release
// can create (VMware's hardware-version table; all releases since 6.0 also
// create vmx-04 and vmx-07 to the highest).
var highestHardwareVersion = []struct {
	release string
	highest int
}{
	{"8.0.2", 21}, {"8.0", 20}, {"7.0.2", 19}, {"7.0.1", 18}, {"7.0", 17}, {"6.7.0", 15}, {"6.7", 14}, {"6.5", 13}, {"6.0", 11},
}

// hardwareVersions lists what an ESXi release can create, oldest first.
func hardwareVersions(release string) []string {
	highest := 11
	for _, r := range highestHardwareVersion {
		if strings.HasPrefix(release, r.release) {
			highest = r.highest
			break
		}
	}
	out := []string{"vmx-04"}
	for v := 7; v <= highest; v++ {
		if v == 16 { // no ESXi release creates vmx-16 (a Workstation version)
			continue
		}
		out = append(out, "vmx-"+pad(v))
	}
	return out
}

func pad(v int) string {
	if v < 10 {
		return "0" + strconv.Itoa(v)
	}
	return strconv.Itoa(v)
}

// setHostRelease gives a host its own product description (the simulator's
// hosts share one) with the given release.
func setHostRelease(h *simulator.HostSystem, version, build string) {
	product := *h.Summary.Config.Product
	product.Version = version
	product.Build = build
	product.FullName = "VMware ESXi " + version + " build-" + build
	h.Summary.Config.Product = &product
	if h.Config != nil {
		h.Config.Product = product
	}
}

func hostRelease(h *simulator.HostSystem) string {
	if h.Summary.Config.Product == nil {
		return ""
	}
	return h.Summary.Config.Product.Version
}

func hostSupports(h *simulator.HostSystem, version string) bool {
	for _, v := range hardwareVersions(hostRelease(h)) {
		if v == version {
			return true
		}
	}
	return false
}

// labEnvironmentBrowser answers QueryConfigOptionDescriptor per host, as
// vCenter does: one descriptor per hardware version, naming the hosts of the
// compute resource that can create it. govmomi 0.24 answers one version for all.
type labEnvironmentBrowser struct {
	simulator.EnvironmentBrowser
}

func (b *labEnvironmentBrowser) hosts() []*simulator.HostSystem {
	var refs []types.ManagedObjectReference
	for _, kind := range []string{"ComputeResource", "ClusterComputeResource"} {
		for _, e := range simulator.Map.All(kind) {
			switch cr := e.(type) {
			case *mo.ComputeResource:
				if cr.EnvironmentBrowser != nil && *cr.EnvironmentBrowser == b.Self {
					refs = cr.Host
				}
			case *simulator.ClusterComputeResource:
				if cr.EnvironmentBrowser != nil && *cr.EnvironmentBrowser == b.Self {
					refs = cr.Host
				}
			}
		}
	}
	var out []*simulator.HostSystem
	for _, r := range refs {
		if h, ok := simulator.Map.Get(r).(*simulator.HostSystem); ok {
			out = append(out, h)
		}
	}
	return out
}

func (b *labEnvironmentBrowser) QueryConfigOptionDescriptor(ctx *simulator.Context, req *types.QueryConfigOptionDescriptor) soap.HasFault {
	byVersion := map[string][]types.ManagedObjectReference{}
	for _, h := range b.hosts() {
		for _, v := range hardwareVersions(hostRelease(h)) {
			byVersion[v] = append(byVersion[v], h.Self)
		}
	}
	keys := make([]string, 0, len(byVersion))
	for k := range byVersion {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []types.VirtualMachineConfigOptionDescriptor
	for i, k := range keys {
		out = append(out, types.VirtualMachineConfigOptionDescriptor{
			Key:                 k,
			Description:         "ESXi hardware version " + strings.TrimPrefix(k, "vmx-"),
			Host:                byVersion[k],
			CreateSupported:     types.NewBool(true),
			DefaultConfigOption: types.NewBool(i == len(keys)-1),
			RunSupported:        types.NewBool(true),
			UpgradeSupported:    types.NewBool(true),
		})
	}
	return &methods.QueryConfigOptionDescriptorBody{Res: &types.QueryConfigOptionDescriptorResponse{Returnval: out}}
}

// installEnvironmentBrowsers swaps every compute resource's environment browser for the lab's.
func installEnvironmentBrowsers() {
	var refs []*types.ManagedObjectReference
	for _, e := range simulator.Map.All("ComputeResource") {
		if cr, ok := e.(*mo.ComputeResource); ok {
			refs = append(refs, cr.EnvironmentBrowser)
		}
	}
	for _, e := range simulator.Map.All("ClusterComputeResource") {
		if cr, ok := e.(*simulator.ClusterComputeResource); ok {
			refs = append(refs, cr.EnvironmentBrowser)
		}
	}
	for _, ref := range refs {
		if ref == nil {
			continue
		}
		wrapped := &labEnvironmentBrowser{}
		wrapped.Self = *ref
		simulator.Map.Put(wrapped)
	}
}

// guestIDsSince80 are guest OS identifiers vSphere 8.0 added (VirtualMachineGuestOsIdentifier,
// "since 8.0.0.1"); govmomi 0.24's list predates them, so an older host does not know them.
var guestIDsSince80 = []string{"windows11_64Guest", "windows2022srvNext_64Guest"}

// hostSupportsGuest: every guest id is known to the lab's hosts except, on a
// release before 8.0, the ids vSphere 8.0 added.
func hostSupportsGuest(h *simulator.HostSystem, id string) bool {
	release := hostRelease(h)
	if strings.HasPrefix(release, "6.") || strings.HasPrefix(release, "7.") {
		for _, newer := range guestIDsSince80 {
			if id == newer {
				return false
			}
		}
	}
	return true
}

// QueryConfigOptionEx answers per host with the API's rule for spec.guestId:
// the descriptor of each requested guest the host knows, else (no match) the
// whole list, which then lacks the requested one.
func (b *labEnvironmentBrowser) QueryConfigOptionEx(ctx *simulator.Context, req *types.QueryConfigOptionEx) soap.HasFault {
	hosts := b.hosts()
	if req.Spec != nil && req.Spec.Host != nil {
		if h, ok := simulator.Map.Get(*req.Spec.Host).(*simulator.HostSystem); ok {
			hosts = []*simulator.HostSystem{h}
		}
	}
	knows := func(id string) bool {
		for _, h := range hosts {
			if !hostSupportsGuest(h, id) {
				return false
			}
		}
		return true
	}
	opt := &types.VirtualMachineConfigOption{}
	if req.Spec != nil {
		opt.Version = req.Spec.Key
		for _, id := range req.Spec.GuestId {
			if knows(id) {
				opt.GuestOSDescriptor = append(opt.GuestOSDescriptor, types.GuestOsDescriptor{Id: id})
			}
		}
	}
	if len(opt.GuestOSDescriptor) == 0 {
		for _, id := range simulator.GuestID {
			opt.GuestOSDescriptor = append(opt.GuestOSDescriptor, types.GuestOsDescriptor{Id: string(id)})
		}
		for _, id := range guestIDsSince80 {
			if knows(id) {
				opt.GuestOSDescriptor = append(opt.GuestOSDescriptor, types.GuestOsDescriptor{Id: id})
			}
		}
	}
	return &methods.QueryConfigOptionExBody{Res: &types.QueryConfigOptionExResponse{Returnval: opt}}
}
