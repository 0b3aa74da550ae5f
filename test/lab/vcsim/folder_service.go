package main

import (
	"io"
	"io/ioutil"
	"net/http"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// datacenterAtPath follows an inventory path ("lab-dr/DR1") from the root
// folder, one child name per segment, as vCenter resolves the datastore file
// service's dcPath. govmomi 0.24's finder also accepts a bare name for a
// datacenter nested in a folder; vCenter does not.
func datacenterAtPath(path string) *simulator.Datacenter {
	root, ok := simulator.Map.Get(simulator.Map.Get(types.ManagedObjectReference{Type: "ServiceInstance", Value: "ServiceInstance"}).(*simulator.ServiceInstance).Content.RootFolder).(*simulator.Folder)
	if !ok {
		return nil
	}
	children := root.ChildEntity
	segments := strings.Split(strings.Trim(path, "/"), "/")
	for i, name := range segments {
		var next mo.Reference
		for _, ref := range children {
			if e, ok := simulator.Map.Get(ref).(mo.Entity); ok && e.Entity().Name == name {
				next = e
				break
			}
		}
		switch obj := next.(type) {
		case *simulator.Folder:
			children = obj.ChildEntity
		case *simulator.Datacenter:
			if i == len(segments)-1 {
				return obj
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}

// hasDatastore looks for a datastore by name in a datastore folder and the folders below it.
func hasDatastore(folder types.ManagedObjectReference, name string) bool {
	f, ok := simulator.Map.Get(folder).(*simulator.Folder)
	if !ok {
		return false
	}
	for _, ref := range f.ChildEntity {
		switch obj := simulator.Map.Get(ref).(type) {
		case *simulator.Datastore:
			if obj.Name == name {
				return true
			}
		case *simulator.Folder:
			if hasDatastore(obj.Self, name) {
				return true
			}
		}
	}
	return false
}

// strictDcPath answers 404 for a /folder request whose dcPath is not a datacenter's
// inventory path, or whose dsName is not a datastore of that datacenter.
func strictDcPath(w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, "/folder") {
		return false
	}
	query := r.URL.Query()
	dcPath := query.Get("dcPath")
	if dcPath == "" {
		return false
	}
	if dc := datacenterAtPath(dcPath); dc != nil && (query.Get("dsName") == "" || hasDatastore(dc.DatastoreFolder, query.Get("dsName"))) {
		return false
	}
	// Read the upload first, so the client sees the 404 rather than a reset connection.
	_, _ = io.Copy(ioutil.Discard, r.Body)
	w.WriteHeader(http.StatusNotFound)
	return true
}
