/*
 * Drives the lab VDDK straight through its C ABI (symbols resolved from the
 * shared header's X-macro list) for the edge cases the addon never produces:
 * unaligned buffers, concurrent calls on one handle, misaligned allocation
 * queries, Open after fork, and a second writable open. Prints `check=value`.
 * Usage: lab-vddk-abi-check <libvixDiskLib.so.8> <config file> <disk.vmdk to create>
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../../native/include/vixdisklib-abi.h"

#define POINTER(ret, name, params) static ret(*p##name) params;
VIXDISKLIB_REQUIRED_FUNCTIONS(POINTER)
VIXDISKLIB_OPTIONAL_FUNCTIONS(POINTER)

static VixDiskLibHandle shared;
static uint8_t *sharedBuf;
static VixError threadResult;

static void *slow_read(void *arg) {
  (void)arg;
  threadResult = pRead(shared, 0, 1, sharedBuf);
  return NULL;
}

static void quiet(const char *fmt, va_list args) {
  (void)fmt;
  (void)args;
}

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) return 3;
#define RESOLVE(ret, name, params) p##name = (ret(*) params)dlsym(lib, "VixDiskLib_" #name);
  VIXDISKLIB_REQUIRED_FUNCTIONS(RESOLVE)
  VIXDISKLIB_OPTIONAL_FUNCTIONS(RESOLVE)

  printf("modesBeforeInit=%s\n", pListTransportModes() ? "set" : "null");
  printf("init=%llu\n", (unsigned long long)pInitEx(6, 5, quiet, quiet, quiet, NULL, argv[2]));
  VixDiskLibConnectParams *params = pAllocateConnectParams();
  VixDiskLibConnection conn;
  printf("connect=%llu\n", (unsigned long long)pConnectEx(params, 0, NULL, NULL, &conn));
  VixDiskLibCreateParams create = {VIXDISKLIB_DISK_VMFS_THIN, VIXDISKLIB_ADAPTER_SCSI_LSILOGIC, 14, 2048, 512, 512};
  printf("create=%llu\n", (unsigned long long)pCreate(conn, argv[3], &create, NULL, NULL));
  printf("createAgain=%llu\n", (unsigned long long)VIX_ERROR_CODE(pCreate(conn, argv[3], &create, NULL, NULL)));

  VixDiskLibHandle h;
  printf("open=%llu\n", (unsigned long long)pOpen(conn, argv[3], VIXDISKLIB_FLAG_OPEN_UNBUFFERED, &h));
  VixDiskLibHandle second;
  printf("secondWritableOpen=%llu\n", (unsigned long long)VIX_ERROR_CODE(pOpen(conn, argv[3], 0, &second)));

  uint8_t *aligned;
  if (posix_memalign((void **)&aligned, 4096, 8192) != 0) return 4;
  printf("readZero=%llu\n", (unsigned long long)VIX_ERROR_CODE(pRead(h, 0, 0, aligned)));
  printf("readNull=%llu\n", (unsigned long long)VIX_ERROR_CODE(pRead(h, 0, 1, NULL)));
  printf("readPastEnd=%llu\n", (unsigned long long)VIX_ERROR_CODE(pRead(h, 2047, 2, aligned)));
  printf("readUnaligned=%llu\n", (unsigned long long)VIX_ERROR_CODE(pRead(h, 0, 1, aligned + 1)));
  printf("readAligned=%llu\n", (unsigned long long)VIX_ERROR_CODE(pRead(h, 0, 1, aligned)));

  VixDiskLibBlockList *list = NULL;
  printf("queryChunk64=%llu\n", (unsigned long long)VIX_ERROR_CODE(pQueryAllocatedBlocks(h, 0, 2048, 64, &list)));
  printf("queryMisaligned=%llu\n", (unsigned long long)VIX_ERROR_CODE(pQueryAllocatedBlocks(h, 1, 128, 128, &list)));
  printf("queryEmpty=%llu\n", (unsigned long long)pQueryAllocatedBlocks(h, 0, 2048, 128, &list));
  printf("queryEmptyBlocks=%u\n", list ? list->numBlocks : 999);
  pFreeBlockList(list);

  /* labvddk.fault.delayMs makes the first read sit inside the handle while the second arrives. */
  shared = h;
  sharedBuf = aligned;
  pthread_t t;
  pthread_create(&t, NULL, slow_read, NULL);
  usleep(150000);
  printf("concurrentRead=%llu\n", (unsigned long long)VIX_ERROR_CODE(pRead(h, 1, 1, aligned + 4096)));
  pthread_join(t, NULL);
  printf("firstReadOfPair=%llu\n", (unsigned long long)threadResult);

  fflush(stdout);
  pid_t child = fork();
  if (child == 0) {
    VixDiskLibHandle inChild;
    _exit((int)VIX_ERROR_CODE(pOpen(conn, argv[3], VIXDISKLIB_FLAG_OPEN_READ_ONLY, &inChild)));
  }
  int status = 0;
  waitpid(child, &status, 0);
  printf("openAfterFork=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

  printf("close=%llu\n", (unsigned long long)pClose(h));

  /* Remote: VDDK connects at Open from the very struct ConnectEx was given. */
  char server[] = "esx.lab", user[] = "lab", password[] = "secret";
  VixDiskLibConnectParams *remote = pAllocateConnectParams();
  remote->serverName = server;
  remote->credType = VIXDISKLIB_CRED_UID;
  remote->creds.uid.userName = user;
  remote->creds.uid.password = password;
  VixDiskLibConnection rc;
  printf("remoteConnect=%llu\n", (unsigned long long)pConnectEx(remote, 1, NULL, "nbd", &rc));
  printf("remoteCreate=%llu\n", (unsigned long long)VIX_ERROR_CODE(pCreate(rc, argv[3], &create, NULL, NULL)));
  VixDiskLibHandle rh;
  password[0] = '\0';
  printf("remoteOpenPasswordCleared=%llu\n", (unsigned long long)VIX_ERROR_CODE(pOpen(rc, argv[3], 0, &rh)));
  password[0] = 's';
  VixError opened = pOpen(rc, argv[3], 0, &rh);
  printf("remoteOpen=%llu\n", (unsigned long long)opened);
  if (opened == VIX_OK) pClose(rh);
  char vmx[] = "moref=vm-7";
  uint32_t cleaned = 0, remaining = 0;
  remote->vmxSpec = vmx;
  printf("cleanupWithVmxSpec=%llu\n", (unsigned long long)VIX_ERROR_CODE(pCleanup(remote, &cleaned, &remaining)));
  remote->vmxSpec = NULL;
  printf("cleanup=%llu\n", (unsigned long long)VIX_ERROR_CODE(pCleanup(remote, &cleaned, &remaining)));
  pFreeConnectParams(remote);
  printf("remoteOpenParamsFreed=%llu\n", (unsigned long long)VIX_ERROR_CODE(pOpen(rc, argv[3], 0, &rh)));
  pDisconnect(rc);

  printf("disconnect=%llu\n", (unsigned long long)pDisconnect(conn));
  pFreeConnectParams(params);
  pExit();
  free(aligned);
  return 0;
}
