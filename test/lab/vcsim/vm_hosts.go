package main

import (
	"fmt"
	"io/ioutil"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/vmware/govmomi/simulator"
)

// A real vCenter sends VDDK's NFC connection for a VM's disk to the ESXi host
// that runs the VM, so every host sees (and limits) the disks opened through
// it. The lab VDDK has no vCenter to ask, so the simulator keeps a map of
// which host runs each VM in every datastore's root, ".lab-vm-hosts"
// (native/labvddk/lab-host-streams.c reads it to count streams per host):
//
//	vm-42 DC0_C0_H1
//
// It is rewritten whole (and renamed into place) whenever a call may create
// or move a VM, before the client sees that call's answer.

const vmHostMapName = ".lab-vm-hosts"

var vmHostMethod = regexp.MustCompile(`(CreateVM_Task|RelocateVM_Task|MigrateVM_Task|RegisterVM_Task|CloneVM_Task|PowerOnVM_Task)[ >]`)

// withVMHostMap wraps the lab's handler: after a call that may place a VM on a host, the map is rewritten.
func withVMHostMap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := sdkCallNaming(next, w, r, vmHostMethod); !ok {
			return
		}
		buf := &bufferedResponse{header: http.Header{}}
		next.ServeHTTP(buf, r)
		writeVMHostMap()
		buf.sendTo(w)
	})
}

// vmHostLines lists every VM with the name of the host it runs on.
func vmHostLines() string {
	var lines []string
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm, ok := e.(*simulator.VirtualMachine)
		if !ok || vm.Runtime.Host == nil {
			continue
		}
		host, ok := simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem)
		if !ok {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %s\n", vm.Self.Value, strings.ReplaceAll(host.Name, " ", "_")))
	}
	sort.Strings(lines)
	return "# lifeboat lab: the host each VM runs on\n" + strings.Join(lines, "")
}

// writeVMHostMap writes the map into the root folder of every lab datastore.
func writeVMHostMap() {
	text := []byte(vmHostLines())
	for _, folder := range datastoreFolders {
		file := filepath.Join(folder, vmHostMapName)
		tmp := file + ".tmp"
		if err := ioutil.WriteFile(tmp, text, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "vcsim: writing %s: %v\n", file, err)
			continue
		}
		_ = os.Rename(tmp, file)
	}
}
