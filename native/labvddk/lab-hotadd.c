/*
 * HotAdd attachments, as real VDDK keeps them: a HotAdd open attaches the disk
 * to the backup proxy and notes that in VDDK's tmpDirectory; Close detaches
 * and forgets it. A process that dies with a HotAdd disk open leaves the note
 * (and, on a real host, the disk attached to the proxy). Cleanup finds only the
 * notes in its own tmpDirectory: a different tmpDirectory per session means
 * leftovers are never cleaned up. One file per attachment:
 * <tmpDirectory>/labvddk-hotadd/<pid>-<n>, holding the disk path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab-internal.h"

static unsigned long attachments;

static int hotadd_dir(const char *tmpDir, char *out, size_t size) {
  if (lab_format(out, size, "%s/labvddk-hotadd", tmpDir) < 0) return -1;
  if (mkdir(out, 0700) != 0 && errno != EEXIST) return -1;
  return 0;
}

VixError lab_hotadd_attach(const char *tmpDir, const char *diskPath, char *record, size_t size) {
  char dir[LAB_PATH_MAX];
  if (hotadd_dir(tmpDir, dir, sizeof dir) != 0) return VIX_E_FILE_ACCESS_ERROR;
  unsigned long n = __atomic_add_fetch(&attachments, 1, __ATOMIC_RELAXED);
  if (lab_format(record, size, "%s/%d-%lu", dir, (int)getpid(), n) < 0) return VIX_E_INVALID_ARG;
  int fd = open(record, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return VIX_E_FILE_ACCESS_ERROR;
  size_t len = strlen(diskPath);
  ssize_t w = write(fd, diskPath, len);
  close(fd);
  return w == (ssize_t)len ? VIX_OK : VIX_E_FILE_ERROR;
}

void lab_hotadd_detach(const char *record) {
  if (record && *record) unlink(record);
}

VixError lab_hotadd_cleanup(const char *tmpDir, uint32_t *cleaned, uint32_t *remaining) {
  *cleaned = 0;
  *remaining = 0;
  char dir[LAB_PATH_MAX];
  if (hotadd_dir(tmpDir, dir, sizeof dir) != 0) return VIX_E_FILE_ACCESS_ERROR;
  DIR *d = opendir(dir);
  if (!d) return VIX_E_FILE_ACCESS_ERROR;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int pid = 0;
    unsigned long n = 0;
    if (sscanf(e->d_name, "%d-%lu", &pid, &n) != 2 || pid <= 0) continue;
    /* Held by this process or another live one: still in use, not a leftover. */
    if (pid == (int)getpid() || kill(pid, 0) == 0 || errno == EPERM) {
      (*remaining)++;
      continue;
    }
    char path[LAB_PATH_MAX];
    if (lab_format(path, sizeof path, "%s/%s", dir, e->d_name) < 0 || unlink(path) != 0) {
      (*remaining)++;
      continue;
    }
    (*cleaned)++;
  }
  closedir(d);
  return VIX_OK;
}
