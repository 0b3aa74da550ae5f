/*
 * Disks open for writing per ESXi host, counted across processes, so tests can
 * assert "no host ever above its cap" from the lab VDDK itself. A real host
 * serves every NFC connection for the VMs it runs (vCenter sends VDDK there)
 * and runs out of them past its limit; the lab counts what a host would see.
 *
 * The host of a disk: the VM named by the connection's vmxSpec ("moref=vm-42")
 * looked up in "<datastore folder>/.lab-vm-hosts" (the lab simulator writes it,
 * test/lab/vcsim/vm_hosts.go); a VM not in the map counts under "unknown-host".
 *
 * One file per host, "<dir>/<host>.streams", where <dir> is the config key
 * `labvddk.hostStreamsDir` (else the environment variable
 * LABVDDK_HOST_STREAMS_DIR; neither: nothing is counted). Updated under an
 * exclusive flock:
 *
 *   peak 3
 *   open <pid> <n>
 *
 * one "open" line per disk open for writing. Lines of processes that are gone
 * are dropped (a host frees the NFC sessions of a dead client), so a kill -9
 * does not leave the count high. "current" is the number of open lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab-internal.h"

#define MAX_OPEN_LINES 4096

static unsigned long opens;

typedef struct {
  long pid;
  unsigned long n;
} OpenLine;

static int alive(long pid) { return pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM); }

/* The datastore folder of "[ds] path" from labvddk.datastore.ds; 0 when unknown. */
static int datastore_folder(const LabConfig *cfg, const char *path, char *out, size_t size) {
  const char *close = path[0] == '[' ? strchr(path, ']') : NULL;
  if (!close) return 0;
  char key[300];
  if (lab_format(key, sizeof key, "labvddk.datastore.%.*s", (int)(close - path - 1), path + 1) < 0) return 0;
  const char *folder = lab_config_get(cfg, key);
  return folder && lab_format(out, size, "%s", folder) >= 0;
}

/* The host the VM of vmxSpec runs on, from the simulator's map; "unknown-host" when not found. */
static void host_of(const LabConfig *cfg, const char *path, const char *vmxSpec, char *host, size_t size) {
  lab_format(host, size, "%s", "unknown-host");
  const char *moref = vmxSpec ? strstr(vmxSpec, "moref=") : NULL;
  char folder[LAB_PATH_MAX], mapPath[LAB_PATH_MAX];
  if (!moref || !datastore_folder(cfg, path, folder, sizeof folder)) return;
  moref += strlen("moref=");
  if (lab_format(mapPath, sizeof mapPath, "%s/.lab-vm-hosts", folder) < 0) return;
  FILE *f = fopen(mapPath, "r");
  if (!f) return;
  char line[512], vm[256], name[256];
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, "%255s %255s", vm, name) == 2 && strcmp(vm, moref) == 0) {
      lab_format(host, size, "%s", name);
      break;
    }
  }
  fclose(f);
  /* A host name becomes a file name: nothing but letters, digits and . _ - */
  for (char *p = host; *p; p++) {
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-')) *p = '_';
  }
}

/* Reads, changes (add or remove one open line) and rewrites a host file under its lock. */
static VixError update(const char *file, long pid, unsigned long n, int add) {
  int fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return VIX_E_FILE_ACCESS_ERROR;
  if (flock(fd, LOCK_EX) != 0) {
    close(fd);
    return VIX_E_FILE_ACCESS_ERROR;
  }
  OpenLine *lines = malloc(MAX_OPEN_LINES * sizeof *lines);
  if (!lines) {
    close(fd);
    return VIX_E_OUT_OF_MEMORY;
  }
  size_t count = 0;
  long peak = 0;
  FILE *in = fdopen(dup(fd), "r");
  if (in) {
    char line[256];
    OpenLine l;
    while (fgets(line, sizeof line, in)) {
      if (sscanf(line, "peak %ld", &peak) == 1) continue;
      if (sscanf(line, "open %ld %lu", &l.pid, &l.n) == 2 && alive(l.pid) && !(l.pid == pid && l.n == n) && count < MAX_OPEN_LINES) {
        lines[count++] = l;
      }
    }
    fclose(in);
  }
  VixError err = VIX_OK;
  if (add) {
    if (count < MAX_OPEN_LINES) lines[count++] = (OpenLine){pid, n};
    else err = VIX_E_OUT_OF_MEMORY;
  }
  if ((long)count > peak) peak = (long)count;
  char out[64];
  if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0) err = VIX_E_FILE_ERROR;
  int len = lab_format(out, sizeof out, "peak %ld\n", peak);
  if (err == VIX_OK && write(fd, out, (size_t)len) != len) err = VIX_E_FILE_ERROR;
  for (size_t i = 0; err == VIX_OK && i < count; i++) {
    len = lab_format(out, sizeof out, "open %ld %lu\n", lines[i].pid, lines[i].n);
    if (write(fd, out, (size_t)len) != len) err = VIX_E_FILE_ERROR;
  }
  close(fd); /* releases the lock */
  free(lines);
  return err;
}

VixError lab_host_streams_open(const LabConfig *cfg, const char *path, const char *vmxSpec, char *record, size_t size) {
  record[0] = '\0';
  const char *dir = lab_config_get(cfg, "labvddk.hostStreamsDir");
  if (!dir || !*dir) dir = getenv("LABVDDK_HOST_STREAMS_DIR");
  if (!dir || !*dir) return VIX_OK;
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return VIX_E_FILE_ACCESS_ERROR;
  char host[256];
  host_of(cfg, path, vmxSpec, host, sizeof host);
  unsigned long n = __atomic_add_fetch(&opens, 1, __ATOMIC_RELAXED);
  char file[LAB_PATH_MAX];
  if (lab_format(file, sizeof file, "%s/%s.streams", dir, host) < 0) return VIX_E_INVALID_ARG;
  VixError err = update(file, (long)getpid(), n, 1);
  if (err != VIX_OK) return err;
  /* What Close needs to take this open back: "<n> <file>". */
  if (lab_format(record, size, "%lu %s", n, file) < 0) {
    update(file, (long)getpid(), n, 0);
    return VIX_E_INVALID_ARG;
  }
  return VIX_OK;
}

void lab_host_streams_close(const char *record) {
  if (!record || !*record) return;
  unsigned long n = 0;
  int used = 0;
  if (sscanf(record, "%lu %n", &n, &used) != 1 || used == 0) return;
  update(record + used, (long)getpid(), n, 0);
}
