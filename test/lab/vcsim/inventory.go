package main

import (
	"context"
	"fmt"
	"net"
	"sort"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

const bulkVMPrefix = "lab-vm-"

type inventory struct {
	datacenter      string
	datastores      []datastoreInfo
	hosts           []hostInfo
	specialVMs      []string
	keyProviders    []string
	storagePolicies []string
	siteVMs         []siteVMInfo
}

// placement is where new VMs go: folder, pool and (standalone) host.
type placement struct {
	folder *object.Folder
	pool   *object.ResourcePool
	host   *object.HostSystem
}

func buildInventory(ctx context.Context, c *vim25.Client, o options, root string) (*inventory, error) {
	inv := &inventory{}
	dc := simulator.Map.Any("Datacenter").(*simulator.Datacenter)
	inv.datacenter = dc.Name

	hosts := simulator.Map.All("HostSystem")
	sort.Slice(hosts, func(i, j int) bool { return hosts[i].Entity().Name < hosts[j].Entity().Name })
	var hostRefs []types.ManagedObjectReference
	for _, h := range hosts {
		hostRefs = append(hostRefs, h.Reference())
	}

	dss, err := createDatastores(ctx, c, root, hostRefs)
	if err != nil {
		return nil, err
	}
	inv.datastores = dss
	for _, d := range dss {
		datastoreFolders[d.Name] = d.Folder
	}

	inv.hosts = describeHosts(hosts, o)
	for _, h := range hosts {
		setHostRelease(h.(*simulator.HostSystem), labEsxiVersion, labEsxiBuild)
	}
	markUplinkPortgroups()
	if err := addClusterNetwork(ctx, c); err != nil {
		return nil, err
	}

	place, err := vmPlacement(c, dc)
	if err != nil {
		return nil, err
	}
	special, err := createSpecialVMs(ctx, c, place)
	if err != nil {
		return nil, err
	}
	inv.specialVMs = special
	refreshAllVMState()
	refreshDatastoreSpace()
	if err := createBulkVMs(ctx, place, o.vms); err != nil {
		return nil, err
	}
	if o.site {
		if err := buildSite(ctx, c, inv, hosts, place, root); err != nil {
			return nil, err
		}
	}
	installPagingPropertyCollector()
	if o.mode == "vcenter" {
		vcenterIP, _, _ := net.SplitHostPort(o.listen)
		dr, err := createDRDatacenter(ctx, c, root, vcenterIP)
		if err != nil {
			return nil, err
		}
		inv.datastores = append(inv.datastores, dr)
		installEnvironmentBrowsers()
		inv.keyProviders = installKeyProvider()
		inv.storagePolicies = storagePolicyNames()
	} else {
		installEnvironmentBrowsers()
		inv.keyProviders = []string{}
		inv.storagePolicies = []string{}
	}
	return inv, nil
}

// describeHosts also sets summary.managementServerIp: every host under the
// vCenter reports it, and in esxi mode only with --managed (CONN-HOST-MANAGED).
func describeHosts(hosts []mo.Entity, o options) []hostInfo {
	var out []hostInfo
	vcenterIP, _, _ := net.SplitHostPort(o.listen)
	for _, e := range hosts {
		h := e.(*simulator.HostSystem)
		ip := ""
		if o.mode == "vcenter" {
			ip = vcenterIP
		} else if o.managed {
			ip = o.managementIP
		}
		h.Summary.ManagementServerIp = ip
		info := hostInfo{Name: h.Name, Ref: h.Self.Value, ManagementServerIP: ip}
		if cl, ok := simulator.Map.Get(*h.Parent).(*simulator.ClusterComputeResource); ok {
			info.Cluster = cl.Name
		}
		out = append(out, info)
	}
	return out
}

func vmPlacement(client *vim25.Client, dc *simulator.Datacenter) (placement, error) {
	var p placement
	p.folder = object.NewFolder(client, dc.VmFolder)
	if cl, ok := simulator.Map.Any("ClusterComputeResource").(*simulator.ClusterComputeResource); ok && cl != nil {
		p.pool = object.NewResourcePool(client, *cl.ResourcePool)
		return p, nil
	}
	host := simulator.Map.Any("HostSystem").(*simulator.HostSystem)
	cr, ok := simulator.Map.Get(*host.Parent).(*mo.ComputeResource)
	if !ok {
		return p, fmt.Errorf("host %s has no compute resource", host.Name)
	}
	p.pool = object.NewResourcePool(client, *cr.ResourcePool)
	p.host = object.NewHostSystem(client, host.Self)
	return p, nil
}

// createVM runs CreateVM_Task in process and then applies the lab's
// simulator extensions, exactly as the HTTP hook does for remote clients.
func createVM(ctx context.Context, p placement, spec types.VirtualMachineConfigSpec) (types.ManagedObjectReference, error) {
	task, err := p.folder.CreateVM(ctx, spec, p.pool, p.host)
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	info, err := task.WaitForResult(ctx, nil)
	if err != nil {
		return types.ManagedObjectReference{}, fmt.Errorf("creating VM %s: %w", spec.Name, err)
	}
	ref := info.Result.(types.ManagedObjectReference)
	afterVMConfigured(ref, &spec)
	return ref, nil
}

func createBulkVMs(ctx context.Context, p placement, n int) error {
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("%s%04d", bulkVMPrefix, i)
		var devices object.VirtualDeviceList
		scsi, _ := devices.CreateSCSIController("pvscsi")
		devices = append(devices, scsi)
		disk := newDisk(devices, scsi, vmfsDatastore, name, 0, 1<<20, diskThin)
		devices = append(devices, disk)
		spec := types.VirtualMachineConfigSpec{
			Name:    name,
			GuestId: string(types.VirtualMachineGuestOsIdentifierOtherLinux64Guest),
			Files:   &types.VirtualMachineFileInfo{VmPathName: "[" + vmfsDatastore + "]"},
		}
		spec.DeviceChange, _ = devices.ConfigSpec(types.VirtualDeviceConfigSpecOperationAdd)
		if _, err := createVM(ctx, p, spec); err != nil {
			return err
		}
	}
	return nil
}
