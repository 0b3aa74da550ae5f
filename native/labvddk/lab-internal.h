/* Internal declarations shared by the lab VDDK's source files. */
#ifndef LABVDDK_INTERNAL_H
#define LABVDDK_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "../include/vixdisklib-abi.h"

#define LAB_MAX_KEYS 256
#define LAB_PATH_MAX 4096

/* Settings read from the InitEx config file (see README.md for the keys). */
typedef struct {
  char *keys[LAB_MAX_KEYS];
  char *values[LAB_MAX_KEYS];
  int count;
} LabConfig;

int lab_config_load(LabConfig *cfg, const char *path);
void lab_config_free(LabConfig *cfg);
const char *lab_config_get(const LabConfig *cfg, const char *key);
long long lab_config_int(const LabConfig *cfg, const char *key, long long fallback);
uint64_t lab_config_u64(const LabConfig *cfg, const char *key, uint64_t fallback);

/* A VMware descriptor with one flat extent. */
typedef struct {
  char createType[32];
  char extentPath[LAB_PATH_MAX]; /* absolute */
  uint64_t capacitySectors;
  VixDiskLibAdapterType adapterType;
  char uuid[128];
} LabDescriptor;

VixError lab_descriptor_read(const char *descriptorPath, LabDescriptor *out);
VixError lab_descriptor_create(const char *descriptorPath, const VixDiskLibCreateParams *params);

/* Change-tracking log next to the descriptor ("<name>-lab-ctk.log"). */
int lab_change_log_path(const char *descriptorPath, char *out, size_t outSize);
VixError lab_change_log_open(const char *descriptorPath, uint64_t *nextSeq);
VixError lab_change_log_append(const char *descriptorPath, uint64_t seq, uint64_t startSector, uint64_t numSectors);

/* Checks an Open against the owning VM's state and, for san, the LUN's visibility (lab-vm-state.c); fills `why` on refusal. */
VixError lab_vm_state_check(const LabConfig *cfg, const char *path, const char *descriptorPath, const char *mode, int writable,
                            char *why, size_t whySize);

/* snprintf that fails instead of truncating: returns the length, or -1 (and an empty `out`) when it does not fit. */
int lab_format(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Logs through VDDK's log callback (which may be NULL). */
void lab_log(VixDiskLibGenericLogFunc *fn, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Connect parameters kept by pointer until Disconnect (lab-connect-params.c). */
int lab_connect_params_live(const VixDiskLibConnectParams *p);
VixError lab_connect_params_check(const VixDiskLibConnectParams *p, const char *server, VixDiskLibGenericLogFunc *warn);

/* HotAdd attachments noted in tmpDirectory (lab-hotadd.c). */
VixError lab_hotadd_attach(const char *tmpDir, const char *diskPath, char *record, size_t size);
void lab_hotadd_detach(const char *record);
VixError lab_hotadd_cleanup(const char *tmpDir, uint32_t *cleaned, uint32_t *remaining);

/* Disks open for writing per ESXi host, across processes (lab-host-streams.c); `record` is what Close gives back. */
VixError lab_host_streams_open(const LabConfig *cfg, const char *path, const char *vmxSpec, char *record, size_t size);
void lab_host_streams_close(const char *record);

/* Appends one line to a state file under the lab's state directory. */
void lab_state_append(const char *fileName, const char *line);

#endif
