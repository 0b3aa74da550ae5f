package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// A second datacenter inside a folder (vcenter mode), as a disaster-recovery
// site often is: its inventory path is "lab-dr/DR1", not its name, and the
// datastore file service resolves dsName only within the dcPath datacenter.
const (
	drFolder     = "lab-dr"
	drDatacenter = "DR1"
	drHost       = "dr-esx01"
	drDatastore  = "lab-dr-ds"
)

func createDRDatacenter(ctx context.Context, c *vim25.Client, root string, managementIP string) (datastoreInfo, error) {
	var none datastoreInfo
	folder, err := object.NewRootFolder(c).CreateFolder(ctx, drFolder)
	if err != nil {
		return none, fmt.Errorf("creating folder %s: %w", drFolder, err)
	}
	dc, err := folder.CreateDatacenter(ctx, drDatacenter)
	if err != nil {
		return none, fmt.Errorf("creating datacenter %s: %w", drDatacenter, err)
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		return none, err
	}
	task, err := folders.HostFolder.AddStandaloneHost(ctx, types.HostConnectSpec{HostName: drHost}, true, nil, nil)
	if err != nil {
		return none, err
	}
	res, err := task.WaitForResult(ctx, nil)
	if err != nil {
		return none, fmt.Errorf("adding host %s: %w", drHost, err)
	}
	hostRef := res.Result.(types.ManagedObjectReference)
	host := simulator.Map.Get(hostRef).(*simulator.HostSystem)
	host.Summary.ManagementServerIp = managementIP
	setHostRelease(host, drEsxiVersion, drEsxiBuild)
	if cr, ok := simulator.Map.Get(*host.Parent).(*mo.ComputeResource); ok {
		host.Network = cr.Network
	}

	dir := filepath.Join(root, drDatastore)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return none, err
	}
	dss, err := object.NewHostSystem(c, hostRef).ConfigManager().DatastoreSystem(ctx)
	if err != nil {
		return none, err
	}
	created, err := dss.CreateLocalDatastore(ctx, drDatastore, dir)
	if err != nil {
		return none, fmt.Errorf("creating datastore %s: %w", drDatastore, err)
	}
	ds := simulator.Map.Get(created.Reference()).(*simulator.Datastore)
	retype(ds, "VMFS")
	labDatastores = append(labDatastores, ds)
	datastoreFolders[drDatastore] = dir
	return datastoreInfo{Name: drDatastore, Type: "VMFS", Folder: dir, URL: ds.Summary.Url, Ref: ds.Self.Value}, nil
}
