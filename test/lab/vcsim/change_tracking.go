package main

// Changed block tracking over the lab VDDK's change log.
//
// The lab VDDK appends one line per successful write to
// "<disk>-lab-ctk.log" next to the disk descriptor (native/labvddk):
//
//	# labvddk change log v1
//	epoch 0123456789abcdef
//	w <seq> <startSector> <numSectors>
//
// The simulator is the authority for change IDs, as vCenter is: a change ID
// is "<epoch>/<seq>", meaning "every write up to and including number seq".
// CreateSnapshot_Task stamps each disk of the snapshot with the current
// change ID (when change tracking is on); QueryChangedDiskAreas returns the
// writes after the given ID up to the snapshot's, or every allocated area
// of the flat extent for "*".

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

const (
	seekData = 3 // SEEK_DATA on Linux
	seekHole = 4 // SEEK_HOLE on Linux
)

type changeLog struct {
	epoch  string
	writes []changeRecord
}

type changeRecord struct {
	seq           uint64
	start, length int64 // bytes
}

func changeLogPath(descriptor string) string {
	return strings.TrimSuffix(descriptor, ".vmdk") + "-lab-ctk.log"
}

// ensureChangeLog creates the log with a fresh epoch unless the lab VDDK
// (or an earlier snapshot) already did; O_EXCL settles a race with it.
func ensureChangeLog(descriptor string) error {
	f, err := os.OpenFile(changeLogPath(descriptor), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if os.IsExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	_, err = fmt.Fprintf(f, "# labvddk change log v1\nepoch %s\n", hex.EncodeToString(b))
	return err
}

func readChangeLog(descriptor string) (*changeLog, error) {
	f, err := os.Open(changeLogPath(descriptor))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	log := &changeLog{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 2 && fields[0] == "epoch":
			log.epoch = fields[1]
		case len(fields) == 4 && fields[0] == "w":
			seq, e1 := strconv.ParseUint(fields[1], 10, 64)
			start, e2 := strconv.ParseInt(fields[2], 10, 64)
			count, e3 := strconv.ParseInt(fields[3], 10, 64)
			if e1 == nil && e2 == nil && e3 == nil {
				log.writes = append(log.writes, changeRecord{seq: seq, start: start * 512, length: count * 512})
			}
		}
	}
	if log.epoch == "" {
		return nil, fmt.Errorf("%s has no epoch line", changeLogPath(descriptor))
	}
	return log, sc.Err()
}

func (l *changeLog) lastSeq() uint64 {
	var last uint64
	for _, w := range l.writes {
		if w.seq > last {
			last = w.seq
		}
	}
	return last
}

func (l *changeLog) changeID() string {
	return fmt.Sprintf("%s/%d", l.epoch, l.lastSeq())
}

func parseChangeID(id string) (epoch string, seq uint64, ok bool) {
	i := strings.LastIndex(id, "/")
	if i <= 0 {
		return "", 0, false
	}
	seq, err := strconv.ParseUint(id[i+1:], 10, 64)
	return id[:i], seq, err == nil
}

// mergeExtents sorts, clips to [from, to) and joins overlapping or touching extents.
func mergeExtents(in []types.DiskChangeExtent, from, to int64) []types.DiskChangeExtent {
	sort.Slice(in, func(i, j int) bool { return in[i].Start < in[j].Start })
	var out []types.DiskChangeExtent
	for _, e := range in {
		start, end := e.Start, e.Start+e.Length
		if start < from {
			start = from
		}
		if end > to {
			end = to
		}
		if end <= start {
			continue
		}
		if n := len(out); n > 0 && start <= out[n-1].Start+out[n-1].Length {
			if end > out[n-1].Start+out[n-1].Length {
				out[n-1].Length = end - out[n-1].Start
			}
			continue
		}
		out = append(out, types.DiskChangeExtent{Start: start, Length: end - start})
	}
	return out
}

// allocatedExtents lists the data (non-hole) areas of a sparse file.
func allocatedExtents(path string, from, to int64) ([]types.DiskChangeExtent, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []types.DiskChangeExtent
	off := from
	for off < to {
		data, err := f.Seek(off, seekData)
		if err != nil {
			break // ENXIO: no data after off
		}
		if data >= to {
			break
		}
		hole, err := f.Seek(data, seekHole)
		if err != nil && err != io.EOF {
			return nil, err
		}
		if hole > to {
			hole = to
		}
		out = append(out, types.DiskChangeExtent{Start: data, Length: hole - data})
		off = hole
	}
	return out, nil
}

// stampSnapshotChangeIDs gives the snapshot its own copy of the disk devices
// (govmomi shares them with the VM) carrying the current change IDs.
func stampSnapshotChangeIDs(snapshotRef types.ManagedObjectReference) {
	snap, ok := simulator.Map.Get(snapshotRef).(*simulator.VirtualMachineSnapshot)
	if !ok || snap.Config.ChangeTrackingEnabled == nil || !*snap.Config.ChangeTrackingEnabled {
		return
	}
	devices := make([]types.BaseVirtualDevice, len(snap.Config.Hardware.Device))
	for i, d := range snap.Config.Hardware.Device {
		devices[i] = d
		disk, ok := d.(*types.VirtualDisk)
		if !ok {
			continue
		}
		b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
		if !ok {
			continue
		}
		copyDisk, copyBacking := *disk, *b
		copyDisk.Backing = &copyBacking
		devices[i] = &copyDisk
		descriptor, ok := localPath(b.FileName)
		if !ok || ensureChangeLog(descriptor) != nil {
			continue
		}
		if log, err := readChangeLog(descriptor); err == nil {
			copyBacking.ChangeId = log.changeID()
		}
	}
	snap.Config.Hardware.Device = devices
}

type changeQueryFault struct {
	message string
	fault   string // vim fault type
	detail  string // inner XML of the fault
}

func (f *changeQueryFault) Error() string { return f.message }

func invalidArgument(property, message string) *changeQueryFault {
	return &changeQueryFault{message: message, fault: "InvalidArgument", detail: "<invalidProperty>" + property + "</invalidProperty>"}
}

// changedAreaSlice is how much of a disk one QueryChangedDiskAreas reply covers.
const changedAreaSlice = 16 * mib

// queryChangedDiskAreas answers VirtualMachine.QueryChangedDiskAreas.
func queryChangedDiskAreas(req *types.QueryChangedDiskAreas) (*types.DiskChangeInfo, *changeQueryFault) {
	vm, ok := simulator.Map.Get(req.This).(*simulator.VirtualMachine)
	if !ok {
		return nil, &changeQueryFault{message: "virtual machine not found", fault: "ManagedObjectNotFound",
			detail: fmt.Sprintf(`<obj type="VirtualMachine">%s</obj>`, req.This.Value)}
	}
	config := vm.Config
	if req.Snapshot != nil {
		snap, ok := simulator.Map.Get(*req.Snapshot).(*simulator.VirtualMachineSnapshot)
		if !ok || snap.Vm != vm.Self {
			return nil, invalidArgument("snapshot", "snapshot not found for this virtual machine")
		}
		config = &snap.Config
	}
	if config.ChangeTrackingEnabled == nil || !*config.ChangeTrackingEnabled {
		return nil, &changeQueryFault{message: "change tracking is not enabled on this virtual machine", fault: "FileFault",
			detail: "<file>" + vm.Name + "</file>"}
	}
	var disk *types.VirtualDisk
	for _, d := range config.Hardware.Device {
		if x, ok := d.(*types.VirtualDisk); ok && x.Key == req.DeviceKey {
			disk = x
		}
	}
	if disk == nil {
		return nil, invalidArgument("deviceKey", fmt.Sprintf("no virtual disk with key %d", req.DeviceKey))
	}
	b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo)
	descriptor, found := "", false
	if ok {
		descriptor, found = localPath(b.FileName)
	}
	if !found {
		return nil, invalidArgument("deviceKey", "the disk is not a flat disk in a lab datastore")
	}
	capacity := diskCapacity(disk)
	if req.StartOffset < 0 || req.StartOffset >= capacity {
		return nil, invalidArgument("startOffset", "startOffset is outside the disk")
	}
	// Like vCenter, one reply covers at most one slice of the disk; callers
	// continue from startOffset + length until the end of the disk.
	end := req.StartOffset + changedAreaSlice
	if end > capacity {
		end = capacity
	}
	info := &types.DiskChangeInfo{StartOffset: req.StartOffset, Length: end - req.StartOffset}

	if req.ChangeId == "*" {
		areas, err := allocatedExtents(strings.TrimSuffix(descriptor, ".vmdk")+"-flat.vmdk", req.StartOffset, end)
		if err != nil {
			return nil, &changeQueryFault{message: err.Error(), fault: "FileFault", detail: "<file>" + b.FileName + "</file>"}
		}
		info.ChangedArea = areas
		return info, nil
	}

	epoch, since, ok := parseChangeID(req.ChangeId)
	if !ok {
		return nil, invalidArgument("changeId", "changeId is not of the form <epoch>/<sequence> or *")
	}
	if err := ensureChangeLog(descriptor); err != nil {
		return nil, &changeQueryFault{message: err.Error(), fault: "FileFault", detail: "<file>" + b.FileName + "</file>"}
	}
	log, err := readChangeLog(descriptor)
	if err != nil {
		return nil, &changeQueryFault{message: err.Error(), fault: "FileFault", detail: "<file>" + b.FileName + "</file>"}
	}
	if epoch != log.epoch {
		return nil, invalidArgument("changeId", "changeId belongs to another change tracking epoch; take a full backup")
	}
	until := log.lastSeq()
	if b.ChangeId != "" {
		if e, s, ok := parseChangeID(b.ChangeId); ok && e == log.epoch {
			until = s
		}
	}
	if since > until {
		return nil, invalidArgument("changeId", "changeId is newer than the disk's state")
	}
	var areas []types.DiskChangeExtent
	for _, w := range log.writes {
		if w.seq > since && w.seq <= until {
			areas = append(areas, types.DiskChangeExtent{Start: w.start, Length: w.length})
		}
	}
	info.ChangedArea = mergeExtents(areas, req.StartOffset, end)
	return info, nil
}
