/*
 * The VixDiskLib C ABI as Lifeboat uses it: types, struct layouts, constants
 * and one prototype per function. This is the ONE declaration shared by the
 * addon (which looks the functions up with dlsym) and by the lab VDDK (which
 * defines them), so the compiler checks both sides against the same shapes.
 *
 * Written for this project from the published API facts; layouts are the
 * x86-64 Linux ones (LP64).
 */
#ifndef LIFEBOAT_VIXDISKLIB_ABI_H
#define LIFEBOAT_VIXDISKLIB_ABI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t VixError;
typedef char Bool;
typedef uint64_t VixDiskLibSectorType;

#define VIX_ERROR_CODE(err) ((err) & 0xFFFF)

#define VIXDISKLIB_SECTOR_SIZE 512
#define VIXDISKLIB_MIN_CHUNK_SIZE 128
#define VIXDISKLIB_MAX_CHUNK_NUMBER 524288

/* Open flags. */
#define VIXDISKLIB_FLAG_OPEN_UNBUFFERED 1
#define VIXDISKLIB_FLAG_OPEN_SINGLE_LINK 2
#define VIXDISKLIB_FLAG_OPEN_READ_ONLY 4
#define VIXDISKLIB_FLAG_OPEN_COMPRESSION_ZLIB 16
#define VIXDISKLIB_FLAG_OPEN_COMPRESSION_FASTLZ 32
#define VIXDISKLIB_FLAG_OPEN_COMPRESSION_SKIPZ 64

/* Error codes (low 16 bits). */
#define VIX_OK 0
#define VIX_E_FAIL 1
#define VIX_E_OUT_OF_MEMORY 2
#define VIX_E_INVALID_ARG 3
#define VIX_E_FILE_NOT_FOUND 4
#define VIX_E_OBJECT_IS_BUSY 5
#define VIX_E_NOT_SUPPORTED 6
#define VIX_E_FILE_ERROR 7
#define VIX_E_DISK_FULL 8
#define VIX_E_CANCELLED 10
#define VIX_E_FILE_READ_ONLY 11
#define VIX_E_FILE_ALREADY_EXISTS 12
#define VIX_E_FILE_ACCESS_ERROR 13
#define VIX_E_FILE_ALREADY_LOCKED 15
#define VIX_E_BUFFER_TOOSMALL 24
#define VIX_E_OBJECT_NOT_FOUND 25
#define VIX_E_HOST_NOT_CONNECTED 26
#define VIX_E_NEED_KEY 30
#define VIX_E_LICENSE 32
#define VIX_E_AUTHENTICATION_FAIL 35
#define VIX_E_HOST_CONNECTION_LOST 36
#define VIX_E_INVALID_HANDLE 1000
#define VIX_E_HOST_SERVER_NOT_FOUND 14008
#define VIX_E_HOST_NETWORK_CONN_REFUSED 14009
#define VIX_E_HOST_TCP_CONN_LOST 14011
#define VIX_E_DISK_OUTOFRANGE 16007
#define VIX_E_DISK_NEEDKEY 16014
#define VIX_E_INVALID_CONNECTION 16054
#define VIX_E_DISK_CAPACITY_MISMATCH 16067
#define VIX_E_CANNOT_CONNECT_TO_HOST 18000
#define VIX_ASYNC 25000
#define VIX_E_OPERATION_TIMEDOUT 30028

typedef enum {
  VIXDISKLIB_CRED_UID = 1,
  VIXDISKLIB_CRED_SESSIONID = 2,
  VIXDISKLIB_CRED_TICKETID = 3,
  VIXDISKLIB_CRED_SSPI = 4,
  VIXDISKLIB_CRED_UNKNOWN = 256
} VixDiskLibCredType;

typedef enum {
  VIXDISKLIB_SPEC_VMX = 0,
  VIXDISKLIB_SPEC_VSTORAGE_OBJECT = 1
} VixDiskLibSpecType;

typedef enum {
  VIXDISKLIB_ADAPTER_IDE = 1,
  VIXDISKLIB_ADAPTER_SCSI_BUSLOGIC = 2,
  VIXDISKLIB_ADAPTER_SCSI_LSILOGIC = 3,
  VIXDISKLIB_ADAPTER_UNKNOWN = 256
} VixDiskLibAdapterType;

typedef enum {
  VIXDISKLIB_DISK_MONOLITHIC_SPARSE = 1,
  VIXDISKLIB_DISK_MONOLITHIC_FLAT = 2,
  VIXDISKLIB_DISK_SPLIT_SPARSE = 3,
  VIXDISKLIB_DISK_SPLIT_FLAT = 4,
  VIXDISKLIB_DISK_VMFS_FLAT = 5,
  VIXDISKLIB_DISK_STREAM_OPTIMIZED = 6,
  VIXDISKLIB_DISK_VMFS_THIN = 7,
  VIXDISKLIB_DISK_VMFS_SPARSE = 8,
  VIXDISKLIB_DISK_UNKNOWN = 256
} VixDiskLibDiskType;

typedef struct VixDiskLibConnectParam *VixDiskLibConnection;
typedef struct VixDiskLibHandleStruct *VixDiskLibHandle;

typedef struct {
  char *userName;
  char *password;
} VixDiskLibUidPasswdCreds;

typedef struct {
  char *cookie;
  char *userName;
  char *key;
} VixDiskLibSessionIdCreds;

typedef struct {
  char *id;
  char *datastoreMoRef;
  char *ssId;
} VixDiskLibVStorageObjectSpec;

typedef struct {
  char *vmxSpec;
  char *serverName;
  char *thumbPrint;
  long privateUse;
  VixDiskLibCredType credType;
  union {
    VixDiskLibUidPasswdCreds uid;
    VixDiskLibSessionIdCreds sessionId;
    void *ticketId;
  } creds;
  uint32_t port;
  uint32_t nfcHostPort;
  char *vimApiVer;
  char reserved[8];
  void *state;
  union {
    VixDiskLibVStorageObjectSpec vStorageObjSpec;
  } spec;
  VixDiskLibSpecType specType;
} VixDiskLibConnectParams;

typedef struct {
  uint32_t cylinders;
  uint32_t heads;
  uint32_t sectors;
} VixDiskLibGeometry;

/* 64 bytes from VDDK 7; the last two fields exist only there. */
typedef struct {
  VixDiskLibGeometry biosGeo;
  VixDiskLibGeometry physGeo;
  VixDiskLibSectorType capacity;
  VixDiskLibAdapterType adapterType;
  int numLinks;
  char *parentFileNameHint;
  char *uuid;
  uint32_t logicalSectorSize;
  uint32_t physicalSectorSize;
} VixDiskLibInfo;

typedef struct {
  VixDiskLibSectorType offset;
  VixDiskLibSectorType length;
} VixDiskLibBlock;

typedef struct {
  uint32_t numBlocks;
  VixDiskLibBlock blocks[1];
} VixDiskLibBlockList;

typedef struct {
  VixDiskLibDiskType diskType;
  VixDiskLibAdapterType adapterType;
  uint16_t hwVersion;
  VixDiskLibSectorType capacity;
  uint32_t logicalSectorSize;
  uint32_t physicalSectorSize;
} VixDiskLibCreateParams;

typedef void VixDiskLibGenericLogFunc(const char *fmt, va_list args);
typedef Bool (*VixDiskLibProgressFunc)(void *progressData, int percentCompleted);
/* The >= 6.5 completion shape (6.0's differs; Lifeboat requires 6.5+). */
typedef void (*VixDiskLibCompletionCB)(void *cbData, VixError result);

/* The compiler checks these layouts against the published offsets. */
#if defined(__x86_64__) || defined(_M_X64) || defined(__aarch64__)
#ifdef __cplusplus
#define LIFEBOAT_STATIC_ASSERT static_assert
#else
#define LIFEBOAT_STATIC_ASSERT _Static_assert
#endif
#if !defined(_WIN32)
LIFEBOAT_STATIC_ASSERT(sizeof(VixDiskLibConnectParams) == 128, "ConnectParams is 128 bytes");
LIFEBOAT_STATIC_ASSERT(offsetof(VixDiskLibConnectParams, creds) == 40, "creds at 40");
LIFEBOAT_STATIC_ASSERT(offsetof(VixDiskLibConnectParams, port) == 64, "port at 64");
LIFEBOAT_STATIC_ASSERT(offsetof(VixDiskLibConnectParams, spec) == 96, "spec at 96");
LIFEBOAT_STATIC_ASSERT(offsetof(VixDiskLibConnectParams, specType) == 120, "specType at 120");
LIFEBOAT_STATIC_ASSERT(sizeof(VixDiskLibInfo) == 64, "Info is 64 bytes");
LIFEBOAT_STATIC_ASSERT(offsetof(VixDiskLibInfo, capacity) == 24, "capacity at 24");
LIFEBOAT_STATIC_ASSERT(offsetof(VixDiskLibInfo, uuid) == 48, "uuid at 48");
LIFEBOAT_STATIC_ASSERT(offsetof(VixDiskLibBlockList, blocks) == 8, "blocks at 8");
LIFEBOAT_STATIC_ASSERT(offsetof(VixDiskLibCreateParams, capacity) == 16, "capacity at 16");
#endif
#endif

/*
 * Every function: one X-macro line (return type, name, parameter list).
 * The lab VDDK defines them; the addon declares pointer types from them.
 * REQUIRED functions exist in every VDDK >= 6.5; OPTIONAL ones are looked up
 * but may be missing (older releases, or the lab library).
 */
#define VIXDISKLIB_REQUIRED_FUNCTIONS(F)                                                                   \
  F(VixError, InitEx,                                                                                      \
    (uint32_t majorVersion, uint32_t minorVersion, VixDiskLibGenericLogFunc *log,                          \
     VixDiskLibGenericLogFunc *warn, VixDiskLibGenericLogFunc *panic, const char *libDir,                  \
     const char *configFile))                                                                              \
  F(void, Exit, (void))                                                                                    \
  F(const char *, ListTransportModes, (void))                                                              \
  F(VixError, ConnectEx,                                                                                   \
    (const VixDiskLibConnectParams *connectParams, Bool readOnly, const char *snapshotRef,                 \
     const char *transportModes, VixDiskLibConnection *connection))                                        \
  F(VixError, Disconnect, (VixDiskLibConnection connection))                                               \
  F(VixError, Open,                                                                                        \
    (const VixDiskLibConnection connection, const char *path, uint32_t flags, VixDiskLibHandle *handle))   \
  F(VixError, Close, (VixDiskLibHandle handle))                                                            \
  F(const char *, GetTransportMode, (VixDiskLibHandle handle))                                             \
  F(VixError, GetInfo, (VixDiskLibHandle handle, VixDiskLibInfo **info))                                   \
  F(void, FreeInfo, (VixDiskLibInfo * info))                                                               \
  F(VixError, Read,                                                                                        \
    (VixDiskLibHandle handle, VixDiskLibSectorType startSector, VixDiskLibSectorType numSectors,           \
     uint8_t *readBuffer))                                                                                 \
  F(VixError, Write,                                                                                       \
    (VixDiskLibHandle handle, VixDiskLibSectorType startSector, VixDiskLibSectorType numSectors,           \
     const uint8_t *writeBuffer))                                                                          \
  F(VixError, Cleanup,                                                                                     \
    (const VixDiskLibConnectParams *connectParams, uint32_t *numCleanedUp, uint32_t *numRemaining))        \
  F(VixError, PrepareForAccess, (const VixDiskLibConnectParams *connectParams, const char *identity))      \
  F(VixError, EndAccess, (const VixDiskLibConnectParams *connectParams, const char *identity))             \
  F(char *, GetErrorText, (VixError err, const char *locale))                                              \
  F(void, FreeErrorText, (char *errMsg))                                                                   \
  F(VixError, Create,                                                                                      \
    (const VixDiskLibConnection connection, const char *path, const VixDiskLibCreateParams *createParams,  \
     VixDiskLibProgressFunc progressFunc, void *progressCallbackData))

#define VIXDISKLIB_OPTIONAL_FUNCTIONS(F)                                                                   \
  F(VixDiskLibConnectParams *, AllocateConnectParams, (void))                                              \
  F(void, FreeConnectParams, (VixDiskLibConnectParams * connectParams))                                    \
  F(VixError, ReadAsync,                                                                                   \
    (VixDiskLibHandle handle, VixDiskLibSectorType startSector, VixDiskLibSectorType numSectors,           \
     uint8_t *readBuffer, VixDiskLibCompletionCB callback, void *cbData))                                  \
  F(VixError, WriteAsync,                                                                                  \
    (VixDiskLibHandle handle, VixDiskLibSectorType startSector, VixDiskLibSectorType numSectors,           \
     const uint8_t *writeBuffer, VixDiskLibCompletionCB callback, void *cbData))                           \
  F(VixError, Wait, (VixDiskLibHandle handle))                                                             \
  F(VixError, Flush, (VixDiskLibHandle handle))                                                            \
  F(VixError, QueryAllocatedBlocks,                                                                        \
    (VixDiskLibHandle diskHandle, VixDiskLibSectorType startSector, VixDiskLibSectorType numSectors,       \
     VixDiskLibSectorType chunkSize, VixDiskLibBlockList **blockList))                                     \
  F(VixError, FreeBlockList, (VixDiskLibBlockList * blockList))

/* Plain declarations (what the lab VDDK implements), checked against its definitions. */
#define VIXDISKLIB_DECLARE(ret, name, params) ret VixDiskLib_##name params;
VIXDISKLIB_REQUIRED_FUNCTIONS(VIXDISKLIB_DECLARE)
VIXDISKLIB_OPTIONAL_FUNCTIONS(VIXDISKLIB_DECLARE)
#undef VIXDISKLIB_DECLARE

#ifdef __cplusplus
}
#endif

#endif
