/*
 * Connect parameters as real VDDK treats them: ConnectEx keeps the caller's
 * pointer and only connects (and logs in) at Open, so the struct and the
 * strings it points to, password included, must stay alive and unchanged until
 * Disconnect. The lab keeps a list of the structs AllocateConnectParams handed
 * out; Open fails loudly when its connection's struct was freed, or when the
 * server name or credentials in it were cleared.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lab-internal.h"

static pthread_mutex_t liveLock = PTHREAD_MUTEX_INITIALIZER;
static const VixDiskLibConnectParams **live;
static size_t liveCount, liveCap;

VixDiskLibConnectParams *VixDiskLib_AllocateConnectParams(void) {
  VixDiskLibConnectParams *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  pthread_mutex_lock(&liveLock);
  if (liveCount == liveCap) {
    size_t cap = liveCap ? liveCap * 2 : 16;
    const VixDiskLibConnectParams **grown = realloc(live, cap * sizeof *grown);
    if (!grown) {
      pthread_mutex_unlock(&liveLock);
      free(p);
      return NULL;
    }
    live = grown;
    liveCap = cap;
  }
  live[liveCount++] = p;
  pthread_mutex_unlock(&liveLock);
  return p;
}

void VixDiskLib_FreeConnectParams(VixDiskLibConnectParams *p) {
  if (!p) return;
  pthread_mutex_lock(&liveLock);
  for (size_t i = 0; i < liveCount; i++) {
    if (live[i] == p) {
      live[i] = live[--liveCount];
      break;
    }
  }
  pthread_mutex_unlock(&liveLock);
  memset(p, 0, sizeof *p);
  free(p);
}

int lab_connect_params_live(const VixDiskLibConnectParams *p) {
  int found = 0;
  pthread_mutex_lock(&liveLock);
  for (size_t i = 0; i < liveCount && !found; i++) found = live[i] == p;
  pthread_mutex_unlock(&liveLock);
  return found;
}

static int empty(const char *s) { return !s || !*s; }

VixError lab_connect_params_check(const VixDiskLibConnectParams *p, const char *server, VixDiskLibGenericLogFunc *warn) {
  if (!lab_connect_params_live(p)) {
    lab_log(warn, "labvddk: Open on a connection whose connect parameters were freed before Disconnect\n");
    return VIX_E_INVALID_CONNECTION;
  }
  if (empty(p->serverName) || strcmp(p->serverName, server) != 0) {
    lab_log(warn, "labvddk: the connect parameters' server name changed after ConnectEx\n");
    return VIX_E_HOST_NOT_CONNECTED;
  }
  /* The login happens now: cleared credentials fail it. */
  if (p->credType == VIXDISKLIB_CRED_UID && (empty(p->creds.uid.userName) || empty(p->creds.uid.password))) {
    lab_log(warn, "labvddk: user name or password cleared before Open\n");
    return VIX_E_AUTHENTICATION_FAIL;
  }
  if (p->credType == VIXDISKLIB_CRED_SESSIONID && empty(p->creds.sessionId.cookie)) {
    lab_log(warn, "labvddk: session cookie cleared before Open\n");
    return VIX_E_AUTHENTICATION_FAIL;
  }
  return VIX_OK;
}
