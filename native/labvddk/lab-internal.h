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
void lab_change_log_path(const char *descriptorPath, char *out, size_t outSize);
VixError lab_change_log_open(const char *descriptorPath, uint64_t *nextSeq);
VixError lab_change_log_append(const char *descriptorPath, uint64_t seq, uint64_t startSector, uint64_t numSectors);

/* Checks an Open against the owning VM's state and, for san, the LUN's visibility (lab-vm-state.c); fills `why` on refusal. */
VixError lab_vm_state_check(const LabConfig *cfg, const char *path, const char *descriptorPath, const char *mode, int writable,
                            char *why, size_t whySize);

/* Appends one line to a state file under the lab's state directory. */
void lab_state_append(const char *fileName, const char *line);

#endif
