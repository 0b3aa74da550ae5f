package main

import (
	"syscall"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// refreshDatastoreSpace reports each lab datastore's capacity and free space
// as its folder's filesystem has them, as a real datastore reports its
// volume. govmomi 0.24 subtracts every new disk's full capacity from
// freeSpace (thin or not) and goes below zero after enough thin disks; a real
// datastore never reports negative free space.
func refreshDatastoreSpace() {
	for _, ds := range labDatastores {
		folder, ok := datastoreFolders[ds.Name]
		if !ok {
			continue
		}
		var fs syscall.Statfs_t
		if syscall.Statfs(folder, &fs) != nil {
			continue
		}
		capacity := int64(fs.Blocks) * int64(fs.Bsize)
		free := int64(fs.Bavail) * int64(fs.Bsize)
		simulator.Map.WithLock(ds, func() {
			ds.Summary.Capacity = capacity
			ds.Summary.FreeSpace = free
			info := ds.Info.GetDatastoreInfo()
			info.FreeSpace = free
			info.MaxFileSize = free
			if vmfs, ok := ds.Info.(*types.VmfsDatastoreInfo); ok && vmfs.Vmfs != nil {
				vmfs.Vmfs.Capacity = capacity
			}
		})
	}
}
