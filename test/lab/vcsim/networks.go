package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// Networks the restore rules care about (DATA-NETWORK-MAP):
//   - the distributed switch's uplink port group, which carries the hosts'
//     physical NICs and never a VM's NIC (vCenter makes one per switch, and
//     so does govmomi, without flagging it);
//   - a standard port group only the cluster's hosts have, so the standalone
//     host DC0_H0 lacks one network the others have.
const clusterNetwork = "lab-cluster-net"

// markUplinkPortgroups flags each distributed switch's uplink port group
// (govmomi names it "<switch>-DVUplinks-<n>") as vCenter reports it:
// config.uplink = true. govmomi 0.24 leaves the flag unset.
func markUplinkPortgroups() {
	for _, e := range simulator.Map.All("DistributedVirtualPortgroup") {
		if pg, ok := e.(*simulator.DistributedVirtualPortgroup); ok && strings.Contains(pg.Name, "-DVUplinks") {
			pg.Config.Uplink = types.NewBool(true)
		}
	}
}

func addClusterNetwork(ctx context.Context, c *vim25.Client) error {
	cl, ok := simulator.Map.Any("ClusterComputeResource").(*simulator.ClusterComputeResource)
	if !ok || len(cl.Host) == 0 {
		return nil
	}
	ns, err := object.NewHostSystem(c, cl.Host[0]).ConfigManager().NetworkSystem(ctx)
	if err != nil {
		return err
	}
	if err := ns.AddPortGroup(ctx, types.HostPortGroupSpec{Name: clusterNetwork, VswitchName: "vSwitch0", Policy: types.HostNetworkPolicy{}}); err != nil {
		return fmt.Errorf("adding port group %s: %w", clusterNetwork, err)
	}
	var netRef *types.ManagedObjectReference
	for _, e := range simulator.Map.All("Network") {
		if n, ok := e.(*mo.Network); ok && n.Name == clusterNetwork {
			r := n.Self
			netRef = &r
		}
	}
	if netRef == nil {
		return fmt.Errorf("port group %s made no network", clusterNetwork)
	}
	for _, h := range cl.Host {
		host := simulator.Map.Get(h).(*simulator.HostSystem)
		simulator.Map.AppendReference(host, &host.Network, *netRef)
	}
	simulator.Map.AppendReference(cl, &cl.Network, *netRef)
	return nil
}

// hostNetworkNamed is the network (standard or distributed port group) of that name a host can use.
func hostNetworkNamed(h *simulator.HostSystem, name string) (mo.Reference, bool) {
	for _, ref := range h.Network {
		switch n := simulator.Map.Get(ref).(type) {
		case *mo.Network:
			if n.Name == name {
				return n, true
			}
		case *simulator.DistributedVirtualPortgroup:
			if n.Name == name || n.Key == name {
				return n, true
			}
		}
	}
	return nil, false
}
