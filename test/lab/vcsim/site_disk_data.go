package main

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"strings"
)

// Site VM disks hold data a backup reads and a restore must bring back byte
// for byte: an MBR in sector 0 (boot code area with the VM's name, a disk
// signature, one partition from sector 2048, 0x55AA) and, from the
// partition's start, siteDataRun bytes every siteDataStride bytes, each
// sector labelled with the VM, disk and LBA. The rest stays a hole, so the
// flat file is sparse and a backup reads only the allocated areas.
const (
	siteDataStride   = 8 * mib
	siteDataRun      = 256 * 1024
	sitePartitionLBA = 2048
)

// siteDiskSignature is the MBR disk signature (0x1B8) of disk n of vm: FNV-1a
// of "vm/n", so each disk has its own and tests can recompute it.
func siteDiskSignature(vm string, n int) uint32 {
	h := fnv.New32a()
	_, _ = fmt.Fprintf(h, "%s/%d", vm, n)
	return h.Sum32()
}

func siteMBR(v siteVM, n int, size int64) []byte {
	mbr := make([]byte, 512)
	copy(mbr, fmt.Sprintf("LIFEBOAT SITE %s disk %d MBR", v.name, n))
	binary.LittleEndian.PutUint32(mbr[0x1B8:], siteDiskSignature(v.name, n))
	entry := mbr[0x1BE:]
	partType := byte(0x83) // Linux
	if v.windows {
		partType = 0x07 // NTFS
	}
	entry[4] = partType
	sectors := size / 512
	binary.LittleEndian.PutUint32(entry[8:], sitePartitionLBA)
	binary.LittleEndian.PutUint32(entry[12:], uint32(sectors-sitePartitionLBA))
	mbr[510], mbr[511] = 0x55, 0xAA
	return mbr
}

// siteSectors fills buf (whole sectors starting at lba) with labelled sectors.
func siteSectors(buf []byte, v siteVM, n int, lba int64) {
	for off := 0; off+512 <= len(buf); off += 512 {
		s := buf[off : off+512]
		label := fmt.Sprintf("LIFEBOAT SITE %s disk %d LBA %d\n", v.name, n, lba+int64(off/512))
		fill := byte(lba+int64(off/512)) | 1 // never zero, so no sector reads as a hole
		for i := range s {
			s[i] = fill
		}
		copy(s, label)
	}
}

// writeSiteDiskData writes the MBR and the labelled runs into disk n's flat extent.
func writeSiteDiskData(v siteVM, n int, size int64) error {
	file := fmt.Sprintf("[%s] %s/%s.vmdk", v.datastore, v.name, v.name)
	if n > 0 {
		file = fmt.Sprintf("[%s] %s/%s_%d.vmdk", v.datastore, v.name, v.name, n)
	}
	descriptor, ok := localPath(file)
	if !ok {
		return fmt.Errorf("no local folder for %s", file)
	}
	flat := strings.TrimSuffix(descriptor, ".vmdk") + "-flat.vmdk"
	f, err := os.OpenFile(flat, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("writing the data of %s: %w", file, err)
	}
	defer f.Close()
	if _, err := f.WriteAt(siteMBR(v, n, size), 0); err != nil {
		return err
	}
	run := make([]byte, siteDataRun)
	for off := int64(sitePartitionLBA * 512); off < size; off += siteDataStride {
		length := int64(siteDataRun)
		if off+length > size {
			length = size - off
		}
		siteSectors(run[:length], v, n, off/512)
		if _, err := f.WriteAt(run[:length], off); err != nil {
			return err
		}
	}
	return nil
}
