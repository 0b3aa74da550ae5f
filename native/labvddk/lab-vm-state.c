/*
 * What a real host enforces on the disks of a VM, learnt from the state file
 * the lab simulator keeps beside each disk ("<disk>-lab-vm.state", see
 * test/lab/vcsim/vm_state.go):
 * - a powered-on VM holds its disks: opening one for writing fails as locked;
 * - a SAN write needs the VM to have the restore snapshot, and only it
 *   (VDDK: "with SAN transport you must create a snapshot before restore; a
 *   pre-existing snapshot makes the SAN restore fail").
 * A disk without a state file belongs to no VM (a standalone disk): no checks.
 */
#include <stdio.h>
#include <string.h>

#include "lab-internal.h"

typedef struct {
  char power[32];
  long snapshots;
} LabVmState;

/* Returns 1 when the state file exists and was read. */
static int read_state(const char *descriptorPath, LabVmState *out) {
  char path[LAB_PATH_MAX];
  size_t len = strlen(descriptorPath);
  if (len >= 5 && strcmp(descriptorPath + len - 5, ".vmdk") == 0) len -= 5;
  snprintf(path, sizeof path, "%.*s-lab-vm.state", (int)len, descriptorPath);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  memset(out, 0, sizeof *out);
  char line[256];
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "power %31s", out->power) == 1) continue;
    if (sscanf(line, "snapshots %ld", &out->snapshots) == 1) continue;
  }
  fclose(f);
  return 1;
}

VixError lab_vm_state_check(const char *descriptorPath, const char *mode, int writable, char *why, size_t whySize) {
  LabVmState st;
  if (!writable || !read_state(descriptorPath, &st)) return VIX_OK;
  if (strcmp(st.power, "poweredOn") == 0) {
    snprintf(why, whySize, "the VM that owns %s is powered on and holds the disk locked", descriptorPath);
    return VIX_E_FILE_ALREADY_LOCKED;
  }
  if (strcmp(mode, "san") == 0 && st.snapshots != 1) {
    snprintf(why, whySize,
             st.snapshots == 0 ? "SAN write to %s without the restore snapshot on its VM"
                               : "SAN write to %s while its VM has snapshots besides the restore snapshot",
             descriptorPath);
    return VIX_E_FILE_ACCESS_ERROR;
  }
  return VIX_OK;
}
