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

// Datastore names other tests rely on; keep them stable.
const (
	vmfsDatastore = "LocalDS_0"
	nfsDatastore  = "lab-nfs"
	vvolDatastore = "lab-vvol"
	sanDatastore  = "lab-san"
)

// The LUNs backing the VMFS datastores (HostVmfsVolume.extent[].diskName):
// LocalDS_0 sits on a host's local disk, lab-san on a SAN LUN every host sees.
const (
	localDiskName = "mpx.vmhba0:C0:T0:L0"
	sanLun        = "naa.600a0b80005ab0000000000000000001"
)

// labDatastores are the datastores the lab made (their space is refreshed from their folders).
var labDatastores []*simulator.Datastore

type datastoreInfo struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Folder string `json:"folder"`
	// URL is summary.url as the simulator reports it: the local folder.
	URL string `json:"url"`
	Ref string `json:"moref"`
	// Lun is the SAN LUN of a shared VMFS datastore (empty for others).
	Lun string `json:"lun,omitempty"`
}

// createDatastores makes the three datastore kinds the restore rules care
// about (VMFS, NFS, VVol), each a real folder under root, mounted on every host.
func createDatastores(ctx context.Context, c *vim25.Client, root string, hosts []types.ManagedObjectReference) ([]datastoreInfo, error) {
	var out []datastoreInfo
	for _, kind := range []struct{ name, typ string }{
		{vmfsDatastore, "VMFS"},
		{nfsDatastore, "NFS"},
		{vvolDatastore, "VVOL"},
		{sanDatastore, "VMFS"},
	} {
		dir := filepath.Join(root, kind.name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		dss, err := object.NewHostSystem(c, hosts[0]).ConfigManager().DatastoreSystem(ctx)
		if err != nil {
			return nil, err
		}
		created, err := dss.CreateLocalDatastore(ctx, kind.name, dir)
		if err != nil {
			return nil, fmt.Errorf("creating datastore %s: %w", kind.name, err)
		}
		ds := simulator.Map.Get(created.Reference()).(*simulator.Datastore)
		for _, h := range hosts[1:] {
			mountOnHost(ds, h)
		}
		retype(ds, kind.typ)
		labDatastores = append(labDatastores, ds)
		info := datastoreInfo{Name: kind.name, Type: kind.typ, Folder: dir, URL: ds.Summary.Url, Ref: ds.Self.Value}
		if kind.name == sanDatastore {
			onSan(ds, sanLun)
			info.Lun = sanLun
		}
		out = append(out, info)
	}
	return out, nil
}

// mountOnHost adds an existing datastore to another host, as a shared
// datastore would be; the simulator's CreateLocalDatastore would make a
// duplicate object instead.
func mountOnHost(ds *simulator.Datastore, hostRef types.ManagedObjectReference) {
	host := simulator.Map.Get(hostRef).(*simulator.HostSystem)
	dss := simulator.Map.Get(*host.ConfigManager.DatastoreSystem).(*simulator.HostDatastoreSystem)
	dss.Datastore = append(dss.Datastore, ds.Self)
	host.Datastore = dss.Datastore
	switch parent := simulator.Map.Get(*host.Parent).(type) {
	case *mo.ComputeResource:
		simulator.Map.AddReference(parent, &parent.Datastore, ds.Self)
	case *simulator.ClusterComputeResource:
		simulator.Map.AddReference(parent, &parent.Datastore, ds.Self)
	}
	ds.Host = append(ds.Host, types.DatastoreHostMount{
		Key: hostRef,
		MountInfo: types.HostMountInfo{
			AccessMode: string(types.HostMountModeReadWrite),
			Mounted:    types.NewBool(true),
			Accessible: types.NewBool(true),
		},
	})
}

// retype makes a local-folder datastore report itself as VMFS, NFS or VVol,
// with the matching info subtype, while still storing files in its folder.
func retype(ds *simulator.Datastore, typ string) {
	base := *ds.Info.GetDatastoreInfo()
	switch typ {
	case "VMFS":
		ds.Info = &types.VmfsDatastoreInfo{
			DatastoreInfo: base,
			Vmfs: &types.HostVmfsVolume{
				HostFileSystemVolume: types.HostFileSystemVolume{Type: "VMFS", Name: ds.Name, Capacity: base.FreeSpace},
				BlockSizeMb:          1,
				MajorVersion:         6,
				Version:              "6.82",
				Uuid:                 "5f000000-1ab0-0000-0000-000000000001",
				Local:                types.NewBool(true),
				Ssd:                  types.NewBool(true),
				Extent:               []types.HostScsiDiskPartition{{DiskName: localDiskName, Partition: 1}},
			},
		}
	case "NFS":
		ds.Info = &types.NasDatastoreInfo{
			DatastoreInfo: base,
			Nas: &types.HostNasVolume{
				HostFileSystemVolume: types.HostFileSystemVolume{Type: "NFS", Name: ds.Name, Capacity: base.FreeSpace},
				RemoteHost:           "192.0.2.20",
				RemotePath:           "/export/lifeboat-lab",
			},
		}
		ds.Summary.MultipleHostAccess = types.NewBool(true)
	case "VVOL":
		ds.Info = &types.VvolDatastoreInfo{
			DatastoreInfo: base,
			VvolDS: &types.HostVvolVolume{
				HostFileSystemVolume: types.HostFileSystemVolume{Type: "VVOL", Name: ds.Name, Capacity: base.FreeSpace},
				ScId:                 "vvol:lifeboat-lab-container",
			},
		}
		ds.Summary.MultipleHostAccess = types.NewBool(true)
	}
	ds.Summary.Type = typ
}

// onSan turns a VMFS datastore into a shared one on a SAN LUN, as vCenter
// reports it: not local, mounted by several hosts, one extent on the LUN.
func onSan(ds *simulator.Datastore, lun string) {
	info := ds.Info.(*types.VmfsDatastoreInfo)
	info.Vmfs.Local = types.NewBool(false)
	info.Vmfs.Ssd = types.NewBool(false)
	info.Vmfs.Uuid = "5f000000-1ab0-0000-0000-000000000002"
	info.Vmfs.Extent = []types.HostScsiDiskPartition{{DiskName: lun, Partition: 1}}
	ds.Summary.MultipleHostAccess = types.NewBool(true)
}
