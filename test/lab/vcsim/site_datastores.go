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

// The site's shared datastores (--site): VMFS volumes on SAN LUNs every
// cluster host mounts, as a small company's cluster storage is. Real folders
// under the datastore root, like the others.
const (
	siteDatastore1 = "site-ds-01"
	siteDatastore2 = "site-ds-02"
)

var siteDatastoreLuns = map[string]string{
	siteDatastore1: "naa.600a0b80005ab0000000000000000011",
	siteDatastore2: "naa.600a0b80005ab0000000000000000012",
}

var siteDatastoreUUIDs = map[string]string{
	siteDatastore1: "5f000000-1ab0-0000-0000-000000000011",
	siteDatastore2: "5f000000-1ab0-0000-0000-000000000012",
}

// createSiteDatastores makes site-ds-01 and site-ds-02 on the cluster's hosts only
// (the standalone host DC0_H0 does not see the cluster's storage).
func createSiteDatastores(ctx context.Context, c *vim25.Client, root string, clusterHosts []*simulator.HostSystem) ([]datastoreInfo, error) {
	if len(clusterHosts) == 0 {
		return nil, fmt.Errorf("--site needs a cluster (vcenter mode)")
	}
	var out []datastoreInfo
	for _, name := range []string{siteDatastore1, siteDatastore2} {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		dss, err := object.NewHostSystem(c, clusterHosts[0].Self).ConfigManager().DatastoreSystem(ctx)
		if err != nil {
			return nil, err
		}
		created, err := dss.CreateLocalDatastore(ctx, name, dir)
		if err != nil {
			return nil, fmt.Errorf("creating datastore %s: %w", name, err)
		}
		ds := simulator.Map.Get(created.Reference()).(*simulator.Datastore)
		for _, h := range clusterHosts[1:] {
			mountOnHost(ds, h.Self)
		}
		retype(ds, "VMFS")
		onSan(ds, siteDatastoreLuns[name])
		ds.Info.(*types.VmfsDatastoreInfo).Vmfs.Uuid = siteDatastoreUUIDs[name]
		labDatastores = append(labDatastores, ds)
		datastoreFolders[name] = dir
		out = append(out, datastoreInfo{Name: name, Type: "VMFS", Folder: dir, URL: ds.Summary.Url, Ref: ds.Self.Value, Lun: siteDatastoreLuns[name]})
	}
	return out, nil
}

// clusterHostsOf returns the hosts of the datacenter's cluster, by name.
func clusterHostsOf(hosts []*simulator.HostSystem) []*simulator.HostSystem {
	var out []*simulator.HostSystem
	for _, h := range hosts {
		if _, ok := simulator.Map.Get(*h.Parent).(*simulator.ClusterComputeResource); ok {
			out = append(out, h)
		}
	}
	return out
}

// The fewest cluster hosts a site is spread over (--site's default).
const siteMinHosts = 3

// buildSite adds the site datastores and VMs (--site) to the inventory.
func buildSite(ctx context.Context, c *vim25.Client, inv *inventory, hosts []mo.Entity, place placement, root string) error {
	var all []*simulator.HostSystem
	for _, h := range hosts {
		all = append(all, h.(*simulator.HostSystem))
	}
	cluster := clusterHostsOf(all)
	dss, err := createSiteDatastores(ctx, c, root, cluster)
	if err != nil {
		return err
	}
	inv.datastores = append(inv.datastores, dss...)
	vms, err := createSiteVMs(ctx, place, cluster)
	if err != nil {
		return err
	}
	inv.siteVMs = vms
	refreshDatastoreSpace()
	return nil
}
