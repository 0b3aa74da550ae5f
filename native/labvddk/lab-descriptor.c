/*
 * VMware text descriptors with a single flat extent: createType "vmfs"
 * (extent kind VMFS) or "monolithicFlat" (extent kind FLAT). qemu-img reads both.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab-internal.h"

static int dir_of(const char *path, char *out, size_t size) {
  const char *slash = strrchr(path, '/');
  if (!slash) return lab_format(out, size, "./") < 0 ? -1 : 0;
  return lab_format(out, size, "%.*s", (int)(slash - path + 1), path) < 0 ? -1 : 0;
}

static VixDiskLibAdapterType adapter_from_name(const char *name) {
  if (strcmp(name, "ide") == 0) return VIXDISKLIB_ADAPTER_IDE;
  if (strcmp(name, "buslogic") == 0) return VIXDISKLIB_ADAPTER_SCSI_BUSLOGIC;
  if (strcmp(name, "lsilogic") == 0 || strcmp(name, "lsisas1068") == 0 || strcmp(name, "pvscsi") == 0) {
    return VIXDISKLIB_ADAPTER_SCSI_LSILOGIC;
  }
  return VIXDISKLIB_ADAPTER_UNKNOWN;
}

VixError lab_descriptor_read(const char *descriptorPath, LabDescriptor *out) {
  memset(out, 0, sizeof(*out));
  out->adapterType = VIXDISKLIB_ADAPTER_SCSI_LSILOGIC;
  char dir[LAB_PATH_MAX];
  if (dir_of(descriptorPath, dir, sizeof dir) != 0) return VIX_E_INVALID_ARG;
  FILE *f = fopen(descriptorPath, "r");
  if (!f) return errno == ENOENT ? VIX_E_FILE_NOT_FOUND : VIX_E_FILE_ACCESS_ERROR;
  char line[LAB_PATH_MAX + 128];
  int extents = 0;
  /* A descriptor is text; a binary header means a sparse/streamOptimized file the lab does not serve. */
  if (!fgets(line, sizeof line, f) || strncmp(line, "# Disk DescriptorFile", 21) != 0) {
    fclose(f);
    return VIX_E_NOT_SUPPORTED;
  }
  while (fgets(line, sizeof line, f)) {
    /* A line longer than the buffer would be read in pieces: a cut extent name would name another file. */
    if (!strchr(line, '\n') && !feof(f)) {
      fclose(f);
      return VIX_E_INVALID_ARG;
    }
    char access[16], kind[16], file[LAB_PATH_MAX], value[256];
    unsigned long long sectors = 0;
    if (sscanf(line, " createType = \"%31[^\"]\"", out->createType) == 1) continue;
    if (sscanf(line, " %15s %llu %15s \"%4095[^\"]\"", access, &sectors, kind, file) == 4 &&
        (strcmp(access, "RW") == 0 || strcmp(access, "RDONLY") == 0)) {
      if (strcmp(kind, "VMFS") != 0 && strcmp(kind, "FLAT") != 0) {
        fclose(f);
        return VIX_E_NOT_SUPPORTED;
      }
      if (++extents > 1) {
        fclose(f);
        return VIX_E_NOT_SUPPORTED;
      }
      int n = file[0] == '/' ? lab_format(out->extentPath, sizeof out->extentPath, "%s", file)
                             : lab_format(out->extentPath, sizeof out->extentPath, "%s%s", dir, file);
      if (n < 0) {
        fclose(f);
        return VIX_E_INVALID_ARG; /* the extent's full path does not fit: never open a truncated one */
      }
      out->capacitySectors = sectors;
      continue;
    }
    if (sscanf(line, " ddb.adapterType = \"%255[^\"]\"", value) == 1) {
      out->adapterType = adapter_from_name(value);
      continue;
    }
    if (sscanf(line, " ddb.uuid = \"%127[^\"]\"", out->uuid) == 1) continue;
  }
  fclose(f);
  if (extents != 1) return VIX_E_NOT_SUPPORTED;
  if (strcmp(out->createType, "vmfs") != 0 && strcmp(out->createType, "monolithicFlat") != 0 &&
      strcmp(out->createType, "vmfsThin") != 0) {
    return VIX_E_NOT_SUPPORTED;
  }
  return VIX_OK;
}

static const char *adapter_name(VixDiskLibAdapterType t) {
  switch (t) {
    case VIXDISKLIB_ADAPTER_IDE: return "ide";
    case VIXDISKLIB_ADAPTER_SCSI_BUSLOGIC: return "buslogic";
    default: return "lsilogic";
  }
}

VixError lab_descriptor_create(const char *descriptorPath, const VixDiskLibCreateParams *params) {
  int vmfs;
  if (params->diskType == VIXDISKLIB_DISK_VMFS_FLAT || params->diskType == VIXDISKLIB_DISK_VMFS_THIN) vmfs = 1;
  else if (params->diskType == VIXDISKLIB_DISK_MONOLITHIC_FLAT) vmfs = 0;
  else return VIX_E_NOT_SUPPORTED;
  if (params->capacity == 0) return VIX_E_INVALID_ARG;
  size_t len = strlen(descriptorPath);
  if (len < 6 || strcmp(descriptorPath + len - 5, ".vmdk") != 0) return VIX_E_INVALID_ARG;
  if (access(descriptorPath, F_OK) == 0) return VIX_E_FILE_ALREADY_EXISTS;

  char flat[LAB_PATH_MAX];
  if (lab_format(flat, sizeof flat, "%.*s-flat.vmdk", (int)(len - 5), descriptorPath) < 0) return VIX_E_INVALID_ARG;
  const char *flatName = strrchr(flat, '/');
  flatName = flatName ? flatName + 1 : flat;

  int fd = open(flat, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return errno == EEXIST ? VIX_E_FILE_ALREADY_EXISTS : VIX_E_FILE_ACCESS_ERROR;
  /* Sparse: the extent is one big hole until written. */
  if (ftruncate(fd, (off_t)(params->capacity * VIXDISKLIB_SECTOR_SIZE)) != 0) {
    close(fd);
    unlink(flat);
    return VIX_E_DISK_FULL;
  }
  close(fd);

  uint64_t cylinders = params->capacity / (255 * 63);
  if (cylinders > 65535) cylinders = 65535;
  if (cylinders == 0) cylinders = 1;
  unsigned cid = (unsigned)time(NULL) ^ (unsigned)getpid();
  FILE *f = fopen(descriptorPath, "w");
  if (!f) {
    unlink(flat);
    return VIX_E_FILE_ACCESS_ERROR;
  }
  fprintf(f,
          "# Disk DescriptorFile\n"
          "version=1\n"
          "encoding=\"UTF-8\"\n"
          "CID=%08x\n"
          "parentCID=ffffffff\n"
          "createType=\"%s\"\n"
          "\n"
          "# Extent description\n"
          "RW %llu %s \"%s\"%s\n"
          "\n"
          "# The Disk Data Base\n"
          "#DDB\n"
          "\n"
          "ddb.adapterType = \"%s\"\n"
          "ddb.geometry.cylinders = \"%llu\"\n"
          "ddb.geometry.heads = \"255\"\n"
          "ddb.geometry.sectors = \"63\"\n"
          "ddb.thinProvisioned = \"%d\"\n"
          "ddb.uuid = \"60 00 C2 9a %02x %02x %02x %02x-00 00 00 00 00 00 00 00\"\n"
          "ddb.virtualHWVersion = \"%u\"\n",
          cid, vmfs ? "vmfs" : "monolithicFlat", (unsigned long long)params->capacity, vmfs ? "VMFS" : "FLAT",
          flatName, vmfs ? "" : " 0", adapter_name(params->adapterType), (unsigned long long)cylinders,
          params->diskType == VIXDISKLIB_DISK_VMFS_THIN ? 1 : 0, cid & 0xff, (cid >> 8) & 0xff,
          (cid >> 16) & 0xff, cid >> 24, params->hwVersion ? params->hwVersion : 14);
  if (fclose(f) != 0) {
    unlink(flat);
    unlink(descriptorPath);
    return VIX_E_FILE_ERROR;
  }
  return VIX_OK;
}
