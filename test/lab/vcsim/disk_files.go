package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// datastoreFolders maps datastore name to its local folder.
var datastoreFolders = map[string]string{}

// Eager-zeroed thick extents up to this size are fully allocated.
const eagerAllocateLimit = 64 * mib

// localPath turns "[ds] dir/file.vmdk" into a path in the datastore folder.
func localPath(dsPath string) (string, bool) {
	var p object.DatastorePath
	if !p.FromString(dsPath) {
		return "", false
	}
	folder, ok := datastoreFolders[p.Datastore]
	if !ok {
		return "", false
	}
	return filepath.Join(folder, filepath.FromSlash(p.Path)), true
}

func adapterTypeOf(devices object.VirtualDeviceList, disk *types.VirtualDisk) string {
	switch devices.FindByKey(disk.ControllerKey).(type) {
	case *types.VirtualIDEController:
		return "ide"
	case *types.ParaVirtualSCSIController:
		return "pvscsi"
	case *types.VirtualBusLogicController:
		return "buslogic"
	case *types.VirtualLsiLogicSASController:
		return "lsilogic"
	case *types.VirtualSATAController, *types.VirtualAHCIController:
		return "sata"
	case *types.VirtualNVMEController:
		return "nvme"
	}
	return "lsilogic"
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// vmdkUUID formats 16 random bytes as vSphere writes ddb.uuid.
func vmdkUUID() (ddb string, backing string) {
	h := randomHex(16)
	pairs := make([]string, 16)
	for i := range pairs {
		pairs[i] = h[2*i : 2*i+2]
	}
	ddb = strings.Join(pairs[:8], " ") + "-" + strings.Join(pairs[8:], " ")
	backing = fmt.Sprintf("%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
	return
}

func descriptorText(flatName string, size int64, thin bool, adapter string, uuid string) string {
	sectors := size / 512
	cylinders := sectors / (255 * 63)
	if cylinders < 1 {
		cylinders = 1
	}
	var b strings.Builder
	b.WriteString("# Disk DescriptorFile\nversion=1\nencoding=\"UTF-8\"\n")
	fmt.Fprintf(&b, "CID=%s\nparentCID=ffffffff\ncreateType=\"vmfs\"\n\n", randomHex(4))
	b.WriteString("# Extent description\n")
	fmt.Fprintf(&b, "RW %d VMFS \"%s\"\n\n", sectors, flatName)
	b.WriteString("# The Disk Data Base\n#DDB\n\n")
	fmt.Fprintf(&b, "ddb.adapterType = \"%s\"\n", adapter)
	fmt.Fprintf(&b, "ddb.geometry.cylinders = \"%d\"\nddb.geometry.heads = \"255\"\nddb.geometry.sectors = \"63\"\n", cylinders)
	fmt.Fprintf(&b, "ddb.longContentID = \"%s\"\n", randomHex(16))
	if thin {
		b.WriteString("ddb.thinProvisioned = \"1\"\n")
	}
	fmt.Fprintf(&b, "ddb.uuid = \"%s\"\nddb.virtualHWVersion = \"14\"\n", uuid)
	return b.String()
}

func fileSize(p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		return -1
	}
	return st.Size()
}

// writeDiskFiles makes NAME.vmdk + a sparse NAME-flat.vmdk unless a real
// descriptor is already there (an attached existing disk, or one the lab
// VDDK wrote). Returns the backing uuid it used, "" when it left files alone.
func writeDiskFiles(descriptor string, size int64, thin, eager bool, adapter string) (string, error) {
	if fileSize(descriptor) > 0 {
		return "", nil
	}
	if err := os.MkdirAll(filepath.Dir(descriptor), 0o700); err != nil {
		return "", err
	}
	flat := strings.TrimSuffix(descriptor, ".vmdk") + "-flat.vmdk"
	f, err := os.OpenFile(flat, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		return "", err
	}
	if eager && size <= eagerAllocateLimit {
		_ = syscall.Fallocate(int(f.Fd()), 0, 0, size)
	}
	ddbUUID, backingUUID := vmdkUUID()
	text := descriptorText(filepath.Base(flat), size, thin, adapter, ddbUUID)
	if err := os.WriteFile(descriptor, []byte(text), 0o600); err != nil {
		return "", err
	}
	return backingUUID, nil
}

func diskCapacity(d *types.VirtualDisk) int64 {
	if d.CapacityInBytes > 0 {
		return d.CapacityInBytes
	}
	return d.CapacityInKB * 1024
}

// materializeDisks gives every file-backed disk of the VM real VMware-format
// files in its datastore folder; govmomi 0.24 only makes empty files.
func materializeDisks(vm *simulator.VirtualMachine) error {
	devices := object.VirtualDeviceList(vm.Config.Hardware.Device)
	for _, d := range devices.SelectByType((*types.VirtualDisk)(nil)) {
		disk := d.(*types.VirtualDisk)
		b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
		if !ok {
			continue
		}
		p, ok := localPath(b.FileName)
		if !ok {
			continue
		}
		thin := b.ThinProvisioned != nil && *b.ThinProvisioned
		eager := b.EagerlyScrub != nil && *b.EagerlyScrub
		uuid, err := writeDiskFiles(p, diskCapacity(disk), thin, eager, adapterTypeOf(devices, disk))
		if err != nil {
			return fmt.Errorf("writing disk files for %s: %w", b.FileName, err)
		}
		if uuid != "" && b.Uuid == "" {
			b.Uuid = uuid
		}
	}
	return nil
}

// afterVMConfigured applies the lab's extensions after CreateVM_Task or
// ReconfigVM_Task succeeded for vm with spec.
func afterVMConfigured(ref types.ManagedObjectReference, spec *types.VirtualMachineConfigSpec) {
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	simulator.Map.WithLock(vm, func() {
		labelDisksLikeVcenter(vm)
		applyCrypto(vm, spec)
		recordProfiles(vm, spec)
		refreshTpmPresent(vm)
		if len(spec.ExtraConfig) > 0 {
			dedupeExtraConfig(vm)
		}
		if err := materializeDisks(vm); err != nil {
			fmt.Fprintf(os.Stderr, "vcsim: %v\n", err)
		}
		writeVMState(vm)
	})
	refreshDatastoreSpace()
}
