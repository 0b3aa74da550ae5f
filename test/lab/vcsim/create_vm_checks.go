package main

import (
	"fmt"
	"net/http"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// labFault is a SOAP fault the lab answers itself, before the simulator sees the call.
type labFault struct {
	fault   string // vim25 fault type, e.g. NotSupported
	message string
	detail  string // inner XML of the fault object
}

// writeLabFault answers with one of the lab's own vim25 faults.
func writeLabFault(w http.ResponseWriter, f *labFault) {
	writeSoapFault(w, "urn:vim25", f.fault, f.message, f.detail)
}

// targetHosts are the hosts a CreateVM can land on: the named host, or the pool's compute resource's hosts.
func targetHosts(req *types.CreateVM_Task) []*simulator.HostSystem {
	var refs []types.ManagedObjectReference
	if req.Host != nil {
		refs = []types.ManagedObjectReference{*req.Host}
	} else if pool, ok := simulator.Map.Get(req.Pool).(*simulator.ResourcePool); ok {
		switch cr := simulator.Map.Get(pool.Owner).(type) {
		case *mo.ComputeResource:
			refs = cr.Host
		case *simulator.ClusterComputeResource:
			refs = cr.Host
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

// datacenterOf walks an entity's parents up to its datacenter.
func datacenterOf(ref types.ManagedObjectReference) types.ManagedObjectReference {
	for i := 0; i < 64; i++ {
		e, ok := simulator.Map.Get(ref).(mo.Entity)
		if !ok {
			return types.ManagedObjectReference{}
		}
		if ref.Type == "Datacenter" {
			return ref
		}
		if e.Entity().Parent == nil {
			return types.ManagedObjectReference{}
		}
		ref = *e.Entity().Parent
	}
	return types.ManagedObjectReference{}
}

func invalidBacking(i int, why string) *labFault {
	return &labFault{
		fault:   "InvalidDeviceBacking",
		message: fmt.Sprintf("Invalid configuration for device '%d': %s.", i, why),
		detail:  fmt.Sprintf(`<property>virtualMachineConfigSpec.deviceChange[%d].device.backing</property><deviceIndex>%d</deviceIndex>`, i, i),
	}
}

// checkNic refuses a NIC backed by a network none of the hosts has, or by an uplink port group.
func checkNic(i int, backing types.BaseVirtualDeviceBackingInfo, hosts []*simulator.HostSystem) *labFault {
	var name string
	switch b := backing.(type) {
	case *types.VirtualEthernetCardNetworkBackingInfo:
		name = b.DeviceName
		// A network reference names one datacenter's network; a same-named one elsewhere is another network.
		if b.Network != nil && !hostsHaveNetwork(hosts, *b.Network) {
			return invalidBacking(i, fmt.Sprintf("network %q (%s) is not available on the target host", name, b.Network.Value))
		}
	case *types.VirtualEthernetCardDistributedVirtualPortBackingInfo:
		name = b.Port.PortgroupKey
	default:
		return nil
	}
	for _, h := range hosts {
		n, ok := hostNetworkNamed(h, name)
		if !ok {
			continue
		}
		if pg, isPg := n.(*simulator.DistributedVirtualPortgroup); isPg && pg.Config.Uplink != nil && *pg.Config.Uplink {
			return invalidBacking(i, fmt.Sprintf("port group %s is an uplink port group; a virtual machine cannot connect to it", pg.Name))
		}
		return nil
	}
	return invalidBacking(i, fmt.Sprintf("network %q is not available on the target host", name))
}

// checkCreateVM refuses what vCenter refuses before it creates anything:
// a folder and pool in different datacenters, a hardware version or guest OS no
// target host supports, a NIC on a network the host lacks or on an uplink port group.
func checkCreateVM(req *types.CreateVM_Task) *labFault {
	if dcFolder, dcPool := datacenterOf(req.This), datacenterOf(req.Pool); dcFolder != dcPool {
		return &labFault{fault: "InvalidArgument", message: "A specified parameter was not correct: pool (it is not in the datacenter of the folder)", detail: "<invalidProperty>pool</invalidProperty>"}
	}
	hosts := targetHosts(req)
	if v := req.Config.Version; v != "" && len(hosts) > 0 {
		supported := false
		for _, h := range hosts {
			supported = supported || hostSupports(h, v)
		}
		if !supported {
			return &labFault{fault: "NotSupported", message: fmt.Sprintf("The operation is not supported on the object: hardware version %s is not supported by host %s (ESXi %s).", v, hosts[0].Name, hostRelease(hosts[0]))}
		}
	}
	// ESXi refuses a guest OS its release does not know (UnsupportedGuest, an InvalidVmConfig).
	if id := req.Config.GuestId; id != "" && len(hosts) > 0 {
		supported := false
		for _, h := range hosts {
			supported = supported || hostSupportsGuest(h, id)
		}
		if !supported {
			return &labFault{
				fault:   "UnsupportedGuest",
				message: fmt.Sprintf("The guest operating system '%s' is not supported on host %s (ESXi %s).", id, hosts[0].Name, hostRelease(hosts[0])),
				detail:  "<property>configSpec.guestId</property><unsupportedGuestOS>" + xmlEscape(id) + "</unsupportedGuestOS>",
			}
		}
	}
	for i, change := range req.Config.DeviceChange {
		spec := change.GetVirtualDeviceConfigSpec()
		if spec.Operation != types.VirtualDeviceConfigSpecOperationAdd {
			continue
		}
		card, ok := spec.Device.(types.BaseVirtualEthernetCard)
		if !ok {
			continue
		}
		if fault := checkNic(i, card.GetVirtualEthernetCard().Backing, hosts); fault != nil {
			return fault
		}
	}
	return nil
}

func hostsHaveNetwork(hosts []*simulator.HostSystem, ref types.ManagedObjectReference) bool {
	for _, h := range hosts {
		for _, n := range h.Network {
			if n == ref {
				return true
			}
		}
	}
	return false
}
