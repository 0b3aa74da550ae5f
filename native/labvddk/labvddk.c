/*
 * The lab VDDK: a stand-in for libvixDiskLib.so.8 with the same C ABI
 * (declared in ../include/vixdisklib-abi.h), serving real VMware descriptor +
 * flat extent files from the lab's datastore folders. Linux only.
 * Config keys, on-disk format and the change log are described in README.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundled/labvddk-support.h"
#include "lab-internal.h"

#define DEFAULT_TRANSPORTS "file:san:hotadd:nbdssl:nbd"

static struct {
  int initialized;
  pid_t pid;
  LabConfig cfg;
  char transports[256];
  char stateDir[LAB_PATH_MAX];
  char tmpDir[LAB_PATH_MAX]; /* VDDK's tmpDirectory: where HotAdd attachments are noted */
  VixDiskLibGenericLogFunc *log;
  VixDiskLibGenericLogFunc *warn;
  uint64_t writeCalls; /* since InitEx; drives labvddk.fault.failWriteN */
  uint64_t readCalls;
} lab;

struct VixDiskLibConnectParam {
  int local;
  int readOnly;
  int dropped;
  uint64_t ioCalls;
  const VixDiskLibConnectParams *params; /* the caller's, read again at Open (lazy connect) */
  char server[256];
  char thumbprint[128];
  char vmxSpec[256];
  char modes[256];
};

struct VixDiskLibHandleStruct {
  struct VixDiskLibConnectParam *conn;
  LabDescriptor desc;
  char descriptorPath[LAB_PATH_MAX];
  int fd;
  uint32_t flags;
  char mode[16];
  uint64_t nextSeq;
  char hotaddRecord[LAB_PATH_MAX];
  char streamsRecord[LAB_PATH_MAX + 32]; /* this open in its host's stream count (empty: not counted) */
  int busy;
  int overlapped; /* a second call came in while one ran: that one fails too */
  int pending;
  pthread_mutex_t lock;
  pthread_cond_t idle;
};

void lab_log(VixDiskLibGenericLogFunc *fn, const char *fmt, ...) {
  if (!fn) return;
  va_list ap;
  va_start(ap, fmt);
  fn(fmt, ap);
  va_end(ap);
}

void lab_state_append(const char *fileName, const char *line) {
  char path[LAB_PATH_MAX];
  if (lab_format(path, sizeof path, "%s/%s", lab.stateDir, fileName) < 0) {
    lab_log(lab.warn, "labvddk: state path too long under %s\n", lab.stateDir);
    return;
  }
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return;
  size_t len = strlen(line);
  if (write(fd, line, len) != (ssize_t)len) lab_log(lab.warn, "labvddk: short write to %s\n", path);
  close(fd);
}

static int contains_mode(const char *list, const char *mode) {
  size_t n = strlen(mode);
  const char *p = list;
  while (p && *p) {
    const char *end = strchr(p, ':');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len == n && strncmp(p, mode, n) == 0) return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

VixError VixDiskLib_InitEx(uint32_t majorVersion, uint32_t minorVersion, VixDiskLibGenericLogFunc *log,
                           VixDiskLibGenericLogFunc *warn, VixDiskLibGenericLogFunc *panic, const char *libDir,
                           const char *configFile) {
  (void)minorVersion;
  (void)panic;
  (void)libDir;
  if (lab.initialized) return VIX_OK;
  if (majorVersion < 6) return VIX_E_NOT_SUPPORTED;
  int loaded = lab_config_load(&lab.cfg, configFile);
  if (loaded == -1) return VIX_E_FILE_NOT_FOUND;
  if (loaded == -3) return VIX_E_OUT_OF_MEMORY;
  if (loaded != 0) {
    lab_log(warn, "labvddk: config file %s has a line over 8191 characters or over %d keys\n", configFile, LAB_MAX_KEYS);
    return VIX_E_INVALID_ARG;
  }
  lab.log = log;
  lab.warn = warn;
  lab.pid = getpid();
  const char *modes = lab_config_get(&lab.cfg, "labvddk.transports");
  const char *tmp = lab_config_get(&lab.cfg, "tmpDirectory");
  const char *state = lab_config_get(&lab.cfg, "labvddk.stateDir");
  if (!state) state = tmp;
  if (lab_format(lab.tmpDir, sizeof lab.tmpDir, "%s", tmp && *tmp ? tmp : "/tmp") < 0) {
    lab_config_free(&lab.cfg);
    return VIX_E_INVALID_ARG;
  }
  if (lab_format(lab.transports, sizeof lab.transports, "%s", modes && *modes ? modes : DEFAULT_TRANSPORTS) < 0 ||
      lab_format(lab.stateDir, sizeof lab.stateDir, "%s", state && *state ? state : "/tmp") < 0) {
    lab_config_free(&lab.cfg);
    return VIX_E_INVALID_ARG;
  }
  lab.writeCalls = 0;
  lab.readCalls = 0;
  lab.initialized = 1;
  lab_log(log, "labvddk: initialised (%s), transports %s\n", labvddk_support_name(), lab.transports);
  return VIX_OK;
}

void VixDiskLib_Exit(void) {
  if (!lab.initialized) return;
  lab_config_free(&lab.cfg);
  lab.initialized = 0;
}

const char *VixDiskLib_ListTransportModes(void) { return lab.initialized ? lab.transports : NULL; }

VixError VixDiskLib_ConnectEx(const VixDiskLibConnectParams *params, Bool readOnly, const char *snapshotRef,
                              const char *transportModes, VixDiskLibConnection *connection) {
  (void)snapshotRef;
  if (!lab.initialized) return VIX_E_FAIL;
  if (!params || !connection) return VIX_E_INVALID_ARG;
  struct VixDiskLibConnectParam *c = calloc(1, sizeof *c);
  if (!c) return VIX_E_OUT_OF_MEMORY;
  c->local = !params->serverName || !*params->serverName;
  if (!c->local) {
    if (params->credType != VIXDISKLIB_CRED_UID && params->credType != VIXDISKLIB_CRED_SESSIONID) {
      free(c);
      return VIX_E_INVALID_ARG;
    }
    if (lab_format(c->server, sizeof c->server, "%s", params->serverName) < 0) {
      free(c);
      return VIX_E_INVALID_ARG;
    }
  }
  c->readOnly = readOnly != 0;
  c->params = params;
  if ((params->thumbPrint && lab_format(c->thumbprint, sizeof c->thumbprint, "%s", params->thumbPrint) < 0) ||
      (params->vmxSpec && lab_format(c->vmxSpec, sizeof c->vmxSpec, "%s", params->vmxSpec) < 0) ||
      (transportModes && lab_format(c->modes, sizeof c->modes, "%s", transportModes) < 0)) {
    free(c);
    return VIX_E_INVALID_ARG;
  }
  *connection = c;
  return VIX_OK;
}

VixError VixDiskLib_Disconnect(VixDiskLibConnection connection) {
  if (!connection) return VIX_E_INVALID_ARG;
  free(connection);
  return VIX_OK;
}

/* "[ds] dir/x.vmdk" through labvddk.datastore.ds; anything else is a local path. */
static VixError resolve_path(const char *path, char *out, size_t size) {
  if (path[0] != '[') return lab_format(out, size, "%s", path) < 0 ? VIX_E_INVALID_ARG : VIX_OK;
  const char *close = strchr(path, ']');
  if (!close) return VIX_E_INVALID_ARG;
  char key[300];
  if (lab_format(key, sizeof key, "labvddk.datastore.%.*s", (int)(close - path - 1), path + 1) < 0) {
    return VIX_E_FILE_NOT_FOUND; /* no datastore has a name that long */
  }
  const char *folder = lab_config_get(&lab.cfg, key);
  if (!folder) return VIX_E_FILE_NOT_FOUND;
  const char *rest = close + 1;
  while (*rest == ' ') rest++;
  /* Too long: an error, never a shorter path that names another file. */
  return lab_format(out, size, "%s/%s", folder, rest) < 0 ? VIX_E_INVALID_ARG : VIX_OK;
}

/* First mode of the ConnectEx list (or the configured order) that the lab allows. */
static const char *pick_mode(const struct VixDiskLibConnectParam *c) {
  static const char *known[] = {"san", "hotadd", "nbdssl", "nbd"};
  if (c->local) return "file";
  const char *order = c->modes[0] ? c->modes : lab.transports;
  const char *p = order;
  while (p && *p) {
    const char *end = strchr(p, ':');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
      if (strlen(known[i]) == len && strncmp(p, known[i], len) == 0 && contains_mode(lab.transports, known[i])) {
        return known[i];
      }
    }
    p = end ? end + 1 : NULL;
  }
  return NULL;
}

VixError VixDiskLib_Open(const VixDiskLibConnection connection, const char *path, uint32_t flags,
                         VixDiskLibHandle *handle) {
  if (!lab.initialized) return VIX_E_FAIL;
  if (!connection || !path || !handle) return VIX_E_INVALID_ARG;
  /* VDDK's threads do not survive fork(): catch "InitEx, then fork". */
  if (getpid() != lab.pid) {
    lab_log(lab.warn, "labvddk: Open in pid %d but InitEx ran in pid %d\n", (int)getpid(), (int)lab.pid);
    return VIX_E_FAIL;
  }
  struct VixDiskLibConnectParam *c = connection;
  if (c->dropped) return VIX_E_HOST_TCP_CONN_LOST;
  /* Real VDDK connects and logs in here, from the parameters ConnectEx was given. */
  if (!c->local) {
    VixError paramsErr = lab_connect_params_check(c->params, c->server, lab.warn);
    if (paramsErr != VIX_OK) return paramsErr;
  }
  const char *want = lab_config_get(&lab.cfg, "labvddk.thumbprint");
  /* Like real VDDK, a wrong thumbprint shows up at Open as a plain failure. */
  if (!c->local && want && *want && strcasecmp(want, c->thumbprint) != 0) return VIX_E_FAIL;
  const char *mode = pick_mode(c);
  if (!mode) return VIX_E_NOT_SUPPORTED;

  struct VixDiskLibHandleStruct *h = calloc(1, sizeof *h);
  if (!h) return VIX_E_OUT_OF_MEMORY;
  VixError err = resolve_path(path, h->descriptorPath, sizeof h->descriptorPath);
  if (err == VIX_OK) err = lab_descriptor_read(h->descriptorPath, &h->desc);
  if (err != VIX_OK) {
    free(h);
    return err;
  }
  int writable = !(flags & VIXDISKLIB_FLAG_OPEN_READ_ONLY) && !c->readOnly;
  char why[LAB_PATH_MAX + 128];
  if ((err = lab_vm_state_check(&lab.cfg, path, h->descriptorPath, mode, writable, why, sizeof why)) != VIX_OK) {
    lab_log(lab.warn, "labvddk: Open refused: %s\n", why);
    free(h);
    return err;
  }
  h->fd = open(h->desc.extentPath, writable ? O_RDWR : O_RDONLY);
  if (h->fd < 0) {
    err = errno == ENOENT ? VIX_E_FILE_NOT_FOUND : VIX_E_FILE_ACCESS_ERROR;
    free(h);
    return err;
  }
  if (flock(h->fd, (writable ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    close(h->fd);
    free(h);
    return VIX_E_FILE_ALREADY_LOCKED;
  }
  if (writable && (err = lab_change_log_open(h->descriptorPath, &h->nextSeq)) != VIX_OK) {
    close(h->fd);
    free(h);
    return err;
  }
  h->conn = c;
  h->flags = writable ? flags : (flags | VIXDISKLIB_FLAG_OPEN_READ_ONLY);
  lab_format(h->mode, sizeof h->mode, "%s", mode); /* one of the known short names */
  /* A HotAdd open attaches the disk to the proxy; the note lets Cleanup find it after a crash. */
  if (strcmp(mode, "hotadd") == 0 &&
      (err = lab_hotadd_attach(lab.tmpDir, h->descriptorPath, h->hotaddRecord, sizeof h->hotaddRecord)) != VIX_OK) {
    close(h->fd);
    free(h);
    return err;
  }
  /* A remote writer is one stream on the host that runs the VM. */
  if (writable && !c->local &&
      (err = lab_host_streams_open(&lab.cfg, path, c->vmxSpec, h->streamsRecord, sizeof h->streamsRecord)) != VIX_OK) {
    lab_hotadd_detach(h->hotaddRecord);
    close(h->fd);
    free(h);
    return err;
  }
  pthread_mutex_init(&h->lock, NULL);
  pthread_cond_init(&h->idle, NULL);
  lab_log(lab.log, "labvddk: opened %s using %s\n", h->descriptorPath, h->mode);
  *handle = h;
  return VIX_OK;
}

VixError VixDiskLib_Wait(VixDiskLibHandle h) {
  if (!h) return VIX_E_INVALID_HANDLE;
  pthread_mutex_lock(&h->lock);
  while (h->pending > 0) pthread_cond_wait(&h->idle, &h->lock);
  pthread_mutex_unlock(&h->lock);
  return VIX_OK;
}

VixError VixDiskLib_Close(VixDiskLibHandle h) {
  if (!h) return VIX_E_INVALID_HANDLE;
  VixDiskLib_Wait(h);
  lab_hotadd_detach(h->hotaddRecord);
  lab_host_streams_close(h->streamsRecord);
  close(h->fd);
  pthread_mutex_destroy(&h->lock);
  pthread_cond_destroy(&h->idle);
  free(h);
  return VIX_OK;
}

const char *VixDiskLib_GetTransportMode(VixDiskLibHandle h) { return h ? h->mode : NULL; }

VixError VixDiskLib_GetInfo(VixDiskLibHandle h, VixDiskLibInfo **info) {
  if (!h) return VIX_E_INVALID_HANDLE;
  if (!info) return VIX_E_INVALID_ARG;
  VixDiskLibInfo *i = calloc(1, sizeof *i);
  if (!i) return VIX_E_OUT_OF_MEMORY;
  i->capacity = h->desc.capacitySectors;
  i->adapterType = h->desc.adapterType;
  i->numLinks = 1;
  i->biosGeo.heads = i->physGeo.heads = 255;
  i->biosGeo.sectors = i->physGeo.sectors = 63;
  i->biosGeo.cylinders = i->physGeo.cylinders = (uint32_t)(h->desc.capacitySectors / (255 * 63));
  i->uuid = h->desc.uuid[0] ? strdup(h->desc.uuid) : NULL;
  i->logicalSectorSize = VIXDISKLIB_SECTOR_SIZE;
  i->physicalSectorSize = VIXDISKLIB_SECTOR_SIZE;
  *info = i;
  return VIX_OK;
}

void VixDiskLib_FreeInfo(VixDiskLibInfo *info) {
  if (!info) return;
  free(info->parentFileNameHint);
  free(info->uuid);
  free(info);
}

/*
 * Real VDDK requires one caller per handle at a time (I/O, QueryAllocatedBlocks,
 * a keepalive read alike); breaking it corrupts its state. The lab fails loudly:
 * the second call gets VIX 5 and the one already running fails with it.
 */
static int enter(VixDiskLibHandle h, const char *what) {
  if (__atomic_exchange_n(&h->busy, 1, __ATOMIC_ACQUIRE)) {
    __atomic_store_n(&h->overlapped, 1, __ATOMIC_RELEASE);
    lab_log(lab.warn, "labvddk: concurrent calls on one handle (%s arrived while another call ran on %s)\n", what,
            h->descriptorPath);
    return 0;
  }
  return 1;
}
static VixError leave(VixDiskLibHandle h, VixError result) {
  int overlapped = __atomic_exchange_n(&h->overlapped, 0, __ATOMIC_ACQ_REL);
  __atomic_store_n(&h->busy, 0, __ATOMIC_RELEASE);
  return overlapped ? VIX_E_OBJECT_IS_BUSY : result;
}

static VixError check_io(VixDiskLibHandle h, uint64_t start, uint64_t count, const void *buf) {
  if (!h) return VIX_E_INVALID_HANDLE;
  if (!buf || count == 0) return VIX_E_INVALID_ARG;
  /* Unbuffered opens need sector-aligned buffer addresses (6.7+). */
  if ((h->flags & VIXDISKLIB_FLAG_OPEN_UNBUFFERED) && ((uintptr_t)buf % VIXDISKLIB_SECTOR_SIZE) != 0) {
    return VIX_E_INVALID_ARG;
  }
  if (start > h->desc.capacitySectors || count > h->desc.capacitySectors - start) return VIX_E_DISK_OUTOFRANGE;
  return VIX_OK;
}

/* Common fault paths: delay, dropped connection. */
static VixError before_io(VixDiskLibHandle h) {
  long long delay = lab_config_int(&lab.cfg, "labvddk.fault.delayMs", 0);
  if (delay > 0) usleep((useconds_t)(delay * 1000));
  if (h->conn->dropped) return VIX_E_HOST_TCP_CONN_LOST;
  long long dropAfter = lab_config_int(&lab.cfg, "labvddk.fault.dropAfterN", 0);
  uint64_t n = __atomic_add_fetch(&h->conn->ioCalls, 1, __ATOMIC_RELAXED);
  if (dropAfter > 0 && !h->conn->local && n > (uint64_t)dropAfter) {
    h->conn->dropped = 1;
    return VIX_E_HOST_TCP_CONN_LOST;
  }
  return VIX_OK;
}

static VixError do_read(VixDiskLibHandle h, uint64_t start, uint64_t count, uint8_t *buf) {
  VixError err = before_io(h);
  if (err != VIX_OK) return err;
  uint64_t n = __atomic_add_fetch(&lab.readCalls, 1, __ATOMIC_RELAXED);
  long long failN = lab_config_int(&lab.cfg, "labvddk.fault.failReadN", 0);
  if (failN > 0 && n == (uint64_t)failN) return lab_config_u64(&lab.cfg, "labvddk.fault.errorCode", VIX_E_FILE_ERROR);
  size_t len = (size_t)(count * VIXDISKLIB_SECTOR_SIZE);
  off_t off = (off_t)(start * VIXDISKLIB_SECTOR_SIZE);
  size_t done = 0;
  while (done < len) {
    ssize_t r = pread(h->fd, buf + done, len - done, off + (off_t)done);
    if (r < 0) {
      if (errno == EINTR) continue;
      return VIX_E_FILE_ERROR;
    }
    if (r == 0) break; /* past the end of a short extent: zeros */
    done += (size_t)r;
  }
  if (done < len) memset(buf + done, 0, len - done);
  return VIX_OK;
}

static VixError do_write(VixDiskLibHandle h, uint64_t start, uint64_t count, const uint8_t *buf) {
  if (h->flags & VIXDISKLIB_FLAG_OPEN_READ_ONLY) return VIX_E_FILE_READ_ONLY;
  VixError err = before_io(h);
  if (err != VIX_OK) return err;
  uint64_t n = __atomic_add_fetch(&lab.writeCalls, 1, __ATOMIC_RELAXED);
  long long failN = lab_config_int(&lab.cfg, "labvddk.fault.failWriteN", 0);
  if (failN > 0 && n == (uint64_t)failN) {
    return lab_config_u64(&lab.cfg, "labvddk.fault.errorCode", VIX_E_FILE_ERROR);
  }
  size_t len = (size_t)(count * VIXDISKLIB_SECTOR_SIZE);
  off_t off = (off_t)(start * VIXDISKLIB_SECTOR_SIZE);
  uint8_t first[VIXDISKLIB_SECTOR_SIZE];
  /* STEP-WINDOWS-SIGNATURE: hotadd may leave a different MBR disk signature behind. */
  if (start == 0 && strcmp(h->mode, "hotadd") == 0 &&
      lab_config_int(&lab.cfg, "labvddk.hotaddChangesSignature", 0) != 0) {
    memcpy(first, buf, sizeof first);
    for (int i = 440; i < 444; i++) first[i] = (uint8_t)~first[i];
    if (pwrite(h->fd, first, sizeof first, 0) != (ssize_t)sizeof first) return VIX_E_FILE_ERROR;
    buf += sizeof first;
    len -= sizeof first;
    off += sizeof first;
  }
  size_t done = 0;
  while (done < len) {
    ssize_t w = pwrite(h->fd, buf + done, len - done, off + (off_t)done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno == ENOSPC ? VIX_E_DISK_FULL : VIX_E_FILE_ERROR;
    }
    done += (size_t)w;
  }
  /* A host writes through to its datastore as it goes, so a closing flush has little left: start the
     writeback of this range now without waiting for it (the flush still waits for everything). */
  (void)sync_file_range(h->fd, off, (off_t)len, SYNC_FILE_RANGE_WRITE);
  return lab_change_log_append(h->descriptorPath, h->nextSeq++, start, count);
}

VixError VixDiskLib_Read(VixDiskLibHandle h, VixDiskLibSectorType start, VixDiskLibSectorType count, uint8_t *buf) {
  VixError err = check_io(h, start, count, buf);
  if (err != VIX_OK) return err;
  if (!enter(h, "Read")) return VIX_E_OBJECT_IS_BUSY;
  return leave(h, do_read(h, start, count, buf));
}

VixError VixDiskLib_Write(VixDiskLibHandle h, VixDiskLibSectorType start, VixDiskLibSectorType count,
                          const uint8_t *buf) {
  VixError err = check_io(h, start, count, buf);
  if (err != VIX_OK) return err;
  if (!enter(h, "Write")) return VIX_E_OBJECT_IS_BUSY;
  return leave(h, do_write(h, start, count, buf));
}

typedef struct {
  VixDiskLibHandle h;
  VixDiskLibCompletionCB cb;
  void *cbData;
  VixError result;
} Completion;

static void *complete_on_thread(void *arg) {
  Completion *c = arg;
  c->cb(c->cbData, c->result);
  pthread_mutex_lock(&c->h->lock);
  if (--c->h->pending == 0) pthread_cond_broadcast(&c->h->idle);
  pthread_mutex_unlock(&c->h->lock);
  free(c);
  return NULL;
}

/* labvddk.asyncMode: "sync" completes inside the call, "thread" from another thread. */
static VixError complete(VixDiskLibHandle h, VixError result, VixDiskLibCompletionCB cb, void *cbData) {
  const char *mode = lab_config_get(&lab.cfg, "labvddk.asyncMode");
  if (!mode || strcmp(mode, "thread") != 0) {
    cb(cbData, result);
    return VIX_ASYNC;
  }
  Completion *c = malloc(sizeof *c);
  if (!c) return VIX_E_OUT_OF_MEMORY;
  *c = (Completion){h, cb, cbData, result};
  pthread_mutex_lock(&h->lock);
  h->pending++;
  pthread_mutex_unlock(&h->lock);
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create(&t, &attr, complete_on_thread, c) != 0) {
    pthread_attr_destroy(&attr);
    complete_on_thread(c);
    return VIX_ASYNC;
  }
  pthread_attr_destroy(&attr);
  return VIX_ASYNC;
}

VixError VixDiskLib_ReadAsync(VixDiskLibHandle h, VixDiskLibSectorType start, VixDiskLibSectorType count,
                              uint8_t *buf, VixDiskLibCompletionCB cb, void *cbData) {
  VixError err = check_io(h, start, count, buf);
  if (err != VIX_OK) return err;
  if (!cb) return VIX_E_INVALID_ARG;
  if (!enter(h, "ReadAsync")) return VIX_E_OBJECT_IS_BUSY;
  return complete(h, leave(h, do_read(h, start, count, buf)), cb, cbData);
}

VixError VixDiskLib_WriteAsync(VixDiskLibHandle h, VixDiskLibSectorType start, VixDiskLibSectorType count,
                               const uint8_t *buf, VixDiskLibCompletionCB cb, void *cbData) {
  VixError err = check_io(h, start, count, buf);
  if (err != VIX_OK) return err;
  if (!cb) return VIX_E_INVALID_ARG;
  if (!enter(h, "WriteAsync")) return VIX_E_OBJECT_IS_BUSY;
  return complete(h, leave(h, do_write(h, start, count, buf)), cb, cbData);
}

VixError VixDiskLib_Flush(VixDiskLibHandle h) {
  if (!h) return VIX_E_INVALID_HANDLE;
  if (h->flags & VIXDISKLIB_FLAG_OPEN_READ_ONLY) return VIX_OK;
  return fdatasync(h->fd) == 0 ? VIX_OK : VIX_E_FILE_ERROR;
}

static VixError query_allocated(VixDiskLibHandle h, VixDiskLibSectorType start, VixDiskLibSectorType count,
                                VixDiskLibSectorType chunk, VixDiskLibBlockList **out);

VixError VixDiskLib_QueryAllocatedBlocks(VixDiskLibHandle h, VixDiskLibSectorType start, VixDiskLibSectorType count,
                                         VixDiskLibSectorType chunk, VixDiskLibBlockList **out) {
  if (!h) return VIX_E_INVALID_HANDLE;
  if (!out || chunk < VIXDISKLIB_MIN_CHUNK_SIZE || count == 0 || start % chunk || count % chunk) {
    return VIX_E_INVALID_ARG;
  }
  if (count / chunk > VIXDISKLIB_MAX_CHUNK_NUMBER) return VIX_E_INVALID_ARG;
  if (start > h->desc.capacitySectors || count > h->desc.capacitySectors - start) return VIX_E_DISK_OUTOFRANGE;
  if (!enter(h, "QueryAllocatedBlocks")) return VIX_E_OBJECT_IS_BUSY;
  VixError err = query_allocated(h, start, count, chunk, out);
  return leave(h, err);
}

/*
 * A real host takes time in proportion to the disk for this call (it walks the
 * disk's metadata), and it holds the handle all that time.
 */
static VixError query_allocated(VixDiskLibHandle h, VixDiskLibSectorType start, VixDiskLibSectorType count,
                                VixDiskLibSectorType chunk, VixDiskLibBlockList **out) {
  long long msPerGiB = lab_config_int(&lab.cfg, "labvddk.queryAllocatedMsPerGiB", 10);
  if (msPerGiB > 0) {
    uint64_t us = (uint64_t)msPerGiB * 1000u * count / (2u * 1024u * 1024u); /* 2 Mi sectors per GiB */
    if (us > 0) usleep((useconds_t)(us > 60000000u ? 60000000u : us));
  }
  /* DATA-ALLOCATION-UNKNOWN: some hosts and datastores cannot answer. */
  if (lab_config_int(&lab.cfg, "labvddk.fault.failQueryAllocated", 0) != 0) {
    return lab_config_u64(&lab.cfg, "labvddk.fault.errorCode", VIX_E_NOT_SUPPORTED);
  }
  size_t cap = 16, n = 0;
  VixDiskLibBlockList *list = malloc(sizeof(VixDiskLibBlockList) + cap * sizeof(VixDiskLibBlock));
  if (!list) return VIX_E_OUT_OF_MEMORY;
  const off_t chunkBytes = (off_t)(chunk * VIXDISKLIB_SECTOR_SIZE);
  off_t pos = (off_t)(start * VIXDISKLIB_SECTOR_SIZE);
  const off_t end = (off_t)((start + count) * VIXDISKLIB_SECTOR_SIZE);
  while (pos < end) {
    off_t data = lseek(h->fd, pos, SEEK_DATA);
    if (data < 0 || data >= end) break; /* ENXIO: no more data */
    off_t hole = lseek(h->fd, data, SEEK_HOLE);
    if (hole < 0 || hole > end) hole = end;
    /* Whole chunks: round the data run outwards. */
    uint64_t first = (uint64_t)(data / chunkBytes) * (uint64_t)chunk;
    uint64_t last = (uint64_t)((hole + chunkBytes - 1) / chunkBytes) * (uint64_t)chunk;
    if (n > 0 && list->blocks[n - 1].offset + list->blocks[n - 1].length >= first) {
      list->blocks[n - 1].length = last - list->blocks[n - 1].offset;
    } else {
      if (n == cap) {
        cap *= 2;
        VixDiskLibBlockList *grown = realloc(list, sizeof(VixDiskLibBlockList) + cap * sizeof(VixDiskLibBlock));
        if (!grown) {
          free(list);
          return VIX_E_OUT_OF_MEMORY;
        }
        list = grown;
      }
      list->blocks[n].offset = first;
      list->blocks[n].length = last - first;
      n++;
    }
    pos = (off_t)(last * VIXDISKLIB_SECTOR_SIZE);
  }
  list->numBlocks = (uint32_t)n;
  *out = list;
  return VIX_OK;
}

VixError VixDiskLib_FreeBlockList(VixDiskLibBlockList *list) {
  free(list);
  return VIX_OK;
}

static VixError access_call(const VixDiskLibConnectParams *params, const char *identity, const char *what) {
  if (!lab.initialized) return VIX_E_FAIL;
  if (!params || !identity || !*identity || strlen(identity) > 50) return VIX_E_INVALID_ARG;
  const char *serverMode = lab_config_get(&lab.cfg, "labvddk.serverMode");
  /* Like real VDDK against a bare host: these calls need vCenter. */
  if (serverMode && strcmp(serverMode, "esxi") == 0) return VIX_E_NOT_SUPPORTED;
  char line[512];
  if (lab_format(line, sizeof line, "%s %s %s\n", what, identity, params->vmxSpec ? params->vmxSpec : "-") < 0) {
    return VIX_E_INVALID_ARG;
  }
  lab_state_append("labvddk-access.log", line);
  return VIX_OK;
}

VixError VixDiskLib_PrepareForAccess(const VixDiskLibConnectParams *params, const char *identity) {
  return access_call(params, identity, "prepare");
}

VixError VixDiskLib_EndAccess(const VixDiskLibConnectParams *params, const char *identity) {
  return access_call(params, identity, "end");
}

/*
 * Cleans up what sessions that ended uncleanly left behind in this tmpDirectory
 * (HotAdd attachments). Cleanup is for the connection, not a VM: VDDK wants
 * vmxSpec (and a snapshot) unset, so the lab refuses one that is set.
 */
VixError VixDiskLib_Cleanup(const VixDiskLibConnectParams *params, uint32_t *numCleanedUp, uint32_t *numRemaining) {
  if (!lab.initialized) return VIX_E_FAIL;
  if (!params) return VIX_E_INVALID_ARG;
  if (params->vmxSpec && *params->vmxSpec) {
    lab_log(lab.warn, "labvddk: Cleanup refused: vmxSpec must be unset (it is %s)\n", params->vmxSpec);
    return VIX_E_INVALID_ARG;
  }
  uint32_t cleaned = 0, remaining = 0;
  VixError err = lab_hotadd_cleanup(lab.tmpDir, &cleaned, &remaining);
  if (err != VIX_OK) return err;
  char line[320];
  if (lab_format(line, sizeof line, "cleanup %s cleaned=%u remaining=%u\n",
                 params->serverName ? params->serverName : "-", cleaned, remaining) < 0) {
    return VIX_E_INVALID_ARG;
  }
  lab_state_append("labvddk-cleanup.log", line);
  if (numCleanedUp) *numCleanedUp = cleaned;
  if (numRemaining) *numRemaining = remaining;
  return VIX_OK;
}

VixError VixDiskLib_Create(const VixDiskLibConnection connection, const char *path,
                           const VixDiskLibCreateParams *params, VixDiskLibProgressFunc progressFunc,
                           void *progressData) {
  if (!lab.initialized) return VIX_E_FAIL;
  if (!connection || !path || !params) return VIX_E_INVALID_ARG;
  /* Real VDDK creates local disks only; remote disks come from the VM's reconfigure. */
  if (!((struct VixDiskLibConnectParam *)connection)->local) {
    lab_log(lab.warn, "labvddk: Create refused on a remote connection (VDDK creates only local disks)\n");
    return VIX_E_NOT_SUPPORTED;
  }
  char resolved[LAB_PATH_MAX];
  VixError err = resolve_path(path, resolved, sizeof resolved);
  if (err == VIX_OK) err = lab_descriptor_create(resolved, params);
  if (err == VIX_OK && progressFunc) progressFunc(progressData, 100);
  return err;
}

static const struct {
  unsigned code;
  const char *text;
} errorTexts[] = {
    {VIX_OK, "The operation was successful"},
    {VIX_E_FAIL, "Unknown error"},
    {VIX_E_OUT_OF_MEMORY, "Memory allocation failed: out of memory"},
    {VIX_E_INVALID_ARG, "One of the parameters was invalid"},
    {VIX_E_FILE_NOT_FOUND, "The file was not found"},
    {VIX_E_OBJECT_IS_BUSY, "The object is busy: a call is already running on this handle"},
    {VIX_E_NOT_SUPPORTED, "The operation is not supported"},
    {VIX_E_FILE_ERROR, "A file access error occurred on the host or guest operating system"},
    {VIX_E_DISK_FULL, "An error occurred while writing a file; the disk is full"},
    {VIX_E_FILE_READ_ONLY, "The file is write-protected"},
    {VIX_E_FILE_ALREADY_EXISTS, "The file already exists"},
    {VIX_E_FILE_ACCESS_ERROR, "You do not have access rights to this file"},
    {VIX_E_FILE_ALREADY_LOCKED, "The file is already in use"},
    {VIX_E_HOST_CONNECTION_LOST, "The connection to the host was lost"},
    {VIX_E_INVALID_HANDLE, "The handle is not valid"},
    {VIX_E_HOST_TCP_CONN_LOST, "The TCP connection to the host was lost"},
    {VIX_E_DISK_OUTOFRANGE, "The sector range is outside the disk"},
    {VIX_E_INVALID_CONNECTION, "The connection is not valid"},
};

char *VixDiskLib_GetErrorText(VixError err, const char *locale) {
  (void)locale;
  unsigned code = (unsigned)VIX_ERROR_CODE(err);
  for (size_t i = 0; i < sizeof errorTexts / sizeof errorTexts[0]; i++) {
    if (errorTexts[i].code == code) {
      char *out = NULL;
      if (asprintf(&out, "%s (lab VDDK)", errorTexts[i].text) < 0) return NULL;
      return out;
    }
  }
  char *out = NULL;
  if (asprintf(&out, "Error %u (lab VDDK)", code) < 0) return NULL;
  return out;
}

void VixDiskLib_FreeErrorText(char *text) { free(text); }
