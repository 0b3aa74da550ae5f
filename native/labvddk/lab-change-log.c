/*
 * The per-disk change log (format in README.md): a header, an epoch line,
 * then one `w <seq> <startSector> <numSectors>` line per successful write.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab-internal.h"

static pthread_mutex_t logLock = PTHREAD_MUTEX_INITIALIZER;

int lab_change_log_path(const char *descriptorPath, char *out, size_t outSize) {
  size_t len = strlen(descriptorPath);
  if (len > 5 && strcmp(descriptorPath + len - 5, ".vmdk") == 0) len -= 5;
  return lab_format(out, outSize, "%.*s-lab-ctk.log", (int)len, descriptorPath) < 0 ? -1 : 0;
}

static VixError ensure_locked(const char *path) {
  if (access(path, F_OK) == 0) return VIX_OK;
  unsigned char rnd[8] = {0};
  int r = open("/dev/urandom", O_RDONLY);
  if (r >= 0) {
    if (read(r, rnd, sizeof rnd) != (ssize_t)sizeof rnd) memset(rnd, 0x5a, sizeof rnd);
    close(r);
  }
  FILE *f = fopen(path, "wx");
  if (!f) return access(path, F_OK) == 0 ? VIX_OK : VIX_E_FILE_ACCESS_ERROR;
  fprintf(f, "# labvddk change log v1\nepoch %02x%02x%02x%02x%02x%02x%02x%02x\n", rnd[0], rnd[1], rnd[2], rnd[3],
          rnd[4], rnd[5], rnd[6], rnd[7]);
  fclose(f);
  return VIX_OK;
}

/* Creates the log if needed and returns the next sequence number (one more than the `w` lines present). */
VixError lab_change_log_open(const char *descriptorPath, uint64_t *nextSeq) {
  char path[LAB_PATH_MAX];
  if (lab_change_log_path(descriptorPath, path, sizeof path) != 0) return VIX_E_INVALID_ARG;
  pthread_mutex_lock(&logLock);
  VixError err = ensure_locked(path);
  if (err == VIX_OK) {
    FILE *f = fopen(path, "r");
    if (!f) err = VIX_E_FILE_ACCESS_ERROR;
    else {
      char line[256];
      uint64_t n = 0;
      while (fgets(line, sizeof line, f)) {
        if (line[0] == 'w' && line[1] == ' ') n++;
      }
      fclose(f);
      *nextSeq = n + 1;
    }
  }
  pthread_mutex_unlock(&logLock);
  return err;
}

VixError lab_change_log_append(const char *descriptorPath, uint64_t seq, uint64_t startSector, uint64_t numSectors) {
  char path[LAB_PATH_MAX];
  char line[96];
  if (lab_change_log_path(descriptorPath, path, sizeof path) != 0) return VIX_E_INVALID_ARG;
  int len = lab_format(line, sizeof line, "w %llu %llu %llu\n", (unsigned long long)seq, (unsigned long long)startSector,
                     (unsigned long long)numSectors);
  pthread_mutex_lock(&logLock);
  /* O_APPEND with one write() per record keeps lines whole. */
  int fd = open(path, O_WRONLY | O_APPEND);
  VixError err = VIX_OK;
  if (fd < 0) err = VIX_E_FILE_ACCESS_ERROR;
  else {
    if (write(fd, line, (size_t)len) != len) err = VIX_E_FILE_ERROR;
    close(fd);
  }
  pthread_mutex_unlock(&logLock);
  return err;
}
