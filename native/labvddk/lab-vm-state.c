/*
 * What a real host enforces on the disks of a VM, learnt from the state file
 * the lab simulator keeps beside each disk ("<disk>-lab-vm.state", see
 * test/lab/vcsim/vm_state.go):
 * - a powered-on VM holds its disks: opening one for writing fails as locked;
 * - a SAN write needs the VM to have the restore snapshot, and only it
 *   (VDDK: "with SAN transport you must create a snapshot before restore; a
 *   pre-existing snapshot makes the SAN restore fail").
 * A disk without a state file belongs to no VM (a standalone disk): no checks.
 * SAN access also needs the datastore's LUN to be visible to the workstation:
 * `labvddk.lun.<datastore>` names the LUN, `labvddk.visibleLuns` what the
 * workstation sees (colon list). A datastore with no LUN configured is not checked.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* XPORT-SAN-NO-LUN: "[ds] path" over san needs ds's LUN among the visible ones. */
static VixError san_lun_check(const LabConfig *cfg, const char *path, char *why, size_t whySize) {
  const char *close = path[0] == '[' ? strchr(path, ']') : NULL;
  if (!close) return VIX_OK;
  char key[300];
  snprintf(key, sizeof key, "labvddk.lun.%.*s", (int)(close - path - 1), path + 1);
  const char *lun = lab_config_get(cfg, key);
  if (!lun || !*lun) return VIX_OK;
  const char *visible = lab_config_get(cfg, "labvddk.visibleLuns");
  size_t n = strlen(lun);
  for (const char *p = visible; p && *p;) {
    const char *end = strchr(p, ':');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncasecmp(p, lun, n) == 0) return VIX_OK;
    p = end ? end + 1 : NULL;
  }
  snprintf(why, whySize, "SAN access to %s needs LUN %s, which this workstation does not see", path, lun);
  return VIX_E_FILE_ACCESS_ERROR;
}

VixError lab_vm_state_check(const LabConfig *cfg, const char *path, const char *descriptorPath, const char *mode, int writable,
                            char *why, size_t whySize) {
  if (strcmp(mode, "san") == 0) {
    VixError err = san_lun_check(cfg, path, why, whySize);
    if (err != VIX_OK) return err;
  }
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
