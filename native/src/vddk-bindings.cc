// The VDDK functions exposed to JavaScript. Only ever loaded inside the VDDK
// worker process. Threads: InitEx on the JS (main) thread before any other
// thread exists; one open/close thread (Connect, Open, Close, Disconnect,
// QueryAllocatedBlocks, Prepare/EndAccess, Cleanup, Create); one I/O thread per
// open handle. Every call returns a promise settled back on the JS thread.
#include "vddk-bindings.h"

#include <napi.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "task-thread.h"
#include "vddk-library.h"

#ifdef _WIN32
#include <malloc.h>
static void *AlignedAlloc(size_t size) { return _aligned_malloc(size, VIXDISKLIB_SECTOR_SIZE); }
static void AlignedFree(void *p) { _aligned_free(p); }
#else
static void *AlignedAlloc(size_t size) {
  void *p = nullptr;
  return posix_memalign(&p, 4096, size) == 0 ? p : nullptr;
}
static void AlignedFree(void *p) { free(p); }
#endif

namespace {

// One request is at most this big; the TypeScript layer splits further (2 MiB for NBD/NBDSSL).
constexpr uint64_t kMaxRequestBytes = 64ull * 1024 * 1024;

struct Job;
void SettleOnJsThread(Napi::Env env, Napi::Function, std::nullptr_t *, Job *job);
using Settler = Napi::TypedThreadSafeFunction<std::nullptr_t, Job, SettleOnJsThread>;

// What a task produces: a VIX error (with its text, fetched on the worker
// thread) or a value built on the JS thread.
struct Job {
  explicit Job(Napi::Env env, std::string op) : deferred(Napi::Promise::Deferred::New(env)), operation(std::move(op)) {}
  Napi::Promise::Deferred deferred;
  std::string operation;
  VixError error = VIX_OK;
  std::string errorText;
  std::string plainError;  // a non-VIX failure (bad argument, out of memory)
  std::function<Napi::Value(Napi::Env)> value;
};

struct ConnectSpec;
void FreeParams(VixDiskLibConnectParams *p);

// VDDK keeps the ConnectParams pointer and connects (logs in) lazily at Open:
// the params and the strings they point into (password included) live until
// Disconnect, then the params are freed and the password wiped.
struct Connection {
  VixDiskLibConnection vix = nullptr;
  VixDiskLibConnectParams *params = nullptr;
  std::shared_ptr<ConnectSpec> spec;
};

struct Handle {
  VixDiskLibHandle vix = nullptr;
  std::unique_ptr<TaskThread> io;
  std::string transportMode;
  bool asyncIo = false;
};

struct State {
  VddkLibrary lib;
  bool initialized = false;
  std::unique_ptr<TaskThread> control;
  Settler settler;
  std::map<uint32_t, Connection> connections;  // touched on the JS thread only
  std::map<uint32_t, std::shared_ptr<Handle>> handles;
  uint32_t nextId = 1;
  // Calls in flight keep the event loop alive, like any pending I/O; idle, the settler does not.
  uint32_t pending = 0;
};

// Never destroyed: at process exit, joining a thread stuck in a VDDK network call would hang the exit.
State &state() {
  static State *s = new State();
  return *s;
}

void FormatLog(const char *level, const char *fmt, va_list args) {
  // Formatted at once (the va_list dies with the call); one line per message on stderr.
  char text[2048];
  int n = vsnprintf(text, sizeof text, fmt, args);
  if (n < 0) snprintf(text, sizeof text, "(unformattable VDDK log message)");
  size_t len = strlen(text);
  // A longer message is cut, and says so (a log line, never a path anything is opened by).
  if (n >= static_cast<int>(sizeof text)) {
    static const char kCut[] = " [truncated]";
    len = std::min(len, sizeof text - sizeof kCut);
    memcpy(text + len, kCut, sizeof kCut);
    len += sizeof kCut - 1;
  }
  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) text[--len] = '\0';
  fprintf(stderr, "[vddk %s] %s\n", level, text);
}
void LogInfo(const char *fmt, va_list args) { FormatLog("info", fmt, args); }
void LogWarn(const char *fmt, va_list args) { FormatLog("warn", fmt, args); }
void LogPanic(const char *fmt, va_list args) {
  FormatLog("panic", fmt, args);
  abort();  // VDDK's panic handler must not return; the parent sees a worker crash.
}

std::string VixText(VixError err) {
  char *text = state().lib.GetErrorText ? state().lib.GetErrorText(err, nullptr) : nullptr;
  std::string out = text ? text : "";
  if (text && state().lib.FreeErrorText) state().lib.FreeErrorText(text);
  return out;
}

void FillError(Job *job, VixError err) {
  job->error = err;
  job->errorText = VixText(err);
}

void SettleOnJsThread(Napi::Env env, Napi::Function, std::nullptr_t *, Job *job) {
  std::unique_ptr<Job> owned(job);
  if (env == nullptr) return;  // the settler is being torn down
  if (--state().pending == 0) state().settler.Unref(env);
  Napi::HandleScope scope(env);
  if (!job->plainError.empty()) {
    Napi::Error err = Napi::Error::New(env, job->operation + ": " + job->plainError);
    err.Set("operation", Napi::String::New(env, job->operation));
    job->deferred.Reject(err.Value());
    return;
  }
  if (job->error != VIX_OK && job->error != VIX_ASYNC) {
    std::string message = job->errorText.empty() ? "VDDK error" : job->errorText;
    Napi::Error err = Napi::Error::New(env, job->operation + " failed: " + message);
    err.Set("vixCode", Napi::Number::New(env, static_cast<double>(VIX_ERROR_CODE(job->error))));
    err.Set("vixRaw", Napi::String::New(env, std::to_string(job->error)));
    err.Set("vixMessage", Napi::String::New(env, message));
    err.Set("operation", Napi::String::New(env, job->operation));
    job->deferred.Reject(err.Value());
    return;
  }
  job->deferred.Resolve(job->value ? job->value(env) : env.Undefined());
}

// Queues `work` on `thread`; the returned promise settles with what `work` left in the job.
Napi::Value Run(Napi::Env env, TaskThread &thread, const std::string &operation, std::function<void(Job *)> work) {
  Job *job = new Job(env, operation);
  Napi::Promise promise = job->deferred.Promise();
  if (state().pending++ == 0) state().settler.Ref(env);
  thread.Post([job, work = std::move(work)] {
    work(job);
    state().settler.BlockingCall(job);
  });
  return promise;
}

Napi::Value Reject(Napi::Env env, const std::string &message) {
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(Napi::Error::New(env, message).Value());
  return deferred.Promise();
}

bool RequireInit(Napi::Env env) {
  if (!state().initialized) {
    Napi::Error::New(env, "VDDK is not initialised: call init() first").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

std::string OptString(const Napi::Object &o, const char *key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

// Connection parameters copied out of a JS object; the password is wiped when this dies.
struct ConnectSpec {
  std::string server, thumbprint, userName, password, cookie, key, vmxSpec, snapshotRef, transports;
  bool readOnly = false;
  uint32_t port = 0;
  ~ConnectSpec() {
    volatile char *p = password.empty() ? nullptr : &password[0];
    for (size_t i = 0; p && i < password.size(); i++) p[i] = 0;
  }
};

std::shared_ptr<ConnectSpec> ReadSpec(const Napi::Object &o) {
  auto s = std::make_shared<ConnectSpec>();
  s->server = OptString(o, "server");
  s->thumbprint = OptString(o, "thumbprint");
  s->userName = OptString(o, "userName");
  s->password = OptString(o, "password");
  s->cookie = OptString(o, "cookie");
  s->key = OptString(o, "key");
  s->vmxSpec = OptString(o, "vmxSpec");
  s->snapshotRef = OptString(o, "snapshotRef");
  s->transports = OptString(o, "transports");
  s->readOnly = o.Get("readOnly").ToBoolean().Value();
  Napi::Value port = o.Get("port");
  if (port.IsNumber()) s->port = port.As<Napi::Number>().Uint32Value();
  return s;
}

char *Str(const std::string &s) { return s.empty() ? nullptr : const_cast<char *>(s.c_str()); }

// Params point into `spec`, which must outlive them.
VixDiskLibConnectParams *MakeParams(const ConnectSpec &spec) {
  auto &lib = state().lib;
  VixDiskLibConnectParams *p = lib.AllocateConnectParams
                                   ? lib.AllocateConnectParams()
                                   : static_cast<VixDiskLibConnectParams *>(calloc(1, sizeof(VixDiskLibConnectParams)));
  if (!p) return nullptr;
  p->vmxSpec = Str(spec.vmxSpec);
  p->serverName = Str(spec.server);
  p->thumbPrint = Str(spec.thumbprint);
  if (!spec.cookie.empty()) {
    p->credType = VIXDISKLIB_CRED_SESSIONID;
    p->creds.sessionId.cookie = Str(spec.cookie);
    p->creds.sessionId.userName = Str(spec.userName);
    p->creds.sessionId.key = Str(spec.key);
  } else {
    p->credType = VIXDISKLIB_CRED_UID;
    p->creds.uid.userName = Str(spec.userName);
    p->creds.uid.password = Str(spec.password);
  }
  p->port = spec.port;
  p->specType = VIXDISKLIB_SPEC_VMX;
  return p;
}

void FreeParams(VixDiskLibConnectParams *p) {
  if (!p) return;
  // Our strings, not VDDK's: detach them before VDDK frees the struct.
  memset(p, 0, sizeof *p);
  if (state().lib.FreeConnectParams) state().lib.FreeConnectParams(p);
  else free(p);
}

Napi::Value Init(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  State &s = state();
  if (s.initialized) {
    Napi::Error::New(env, "VDDK is already initialised in this process").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "init(libDir, configFile?) needs the VDDK directory").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string libDir = info[0].As<Napi::String>().Utf8Value();
  std::string configFile = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  std::string error;
  if (!LoadVddkLibrary(libDir, s.lib, error)) {
    Napi::Error::New(env, error).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // On the JS (main) thread, before any thread that will call VDDK.
  VixError err = s.lib.InitEx(6, 5, LogInfo, LogWarn, LogPanic, libDir.c_str(),
                              configFile.empty() ? nullptr : configFile.c_str());
  if (err != VIX_OK) {
    std::string text = VixText(err);
    Napi::Error e = Napi::Error::New(env, "InitEx failed: " + text);
    e.Set("vixCode", Napi::Number::New(env, static_cast<double>(VIX_ERROR_CODE(err))));
    e.Set("vixRaw", Napi::String::New(env, std::to_string(err)));
    e.Set("vixMessage", Napi::String::New(env, text));
    e.Set("operation", Napi::String::New(env, "init"));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  s.settler = Settler::New(env, "lifeboat-vddk", 0, 1);
  s.settler.Unref(env);
  s.control = std::make_unique<TaskThread>();
  s.initialized = true;

  Napi::Object out = Napi::Object::New(env);
  out.Set("majorVersion", Napi::Number::New(env, s.lib.majorVersion));
  out.Set("libraryPath", Napi::String::New(env, s.lib.path));
  Napi::Array bundled = Napi::Array::New(env, s.lib.bundledLoaded.size());
  for (size_t i = 0; i < s.lib.bundledLoaded.size(); i++) bundled.Set(static_cast<uint32_t>(i), s.lib.bundledLoaded[i]);
  out.Set("bundledLibraries", bundled);
  Napi::Array optional = Napi::Array::New(env);
  uint32_t n = 0;
#define LIFEBOAT_VDDK_PRESENT(ret, name, params) \
  if (s.lib.name) optional.Set(n++, Napi::String::New(env, #name));
  VIXDISKLIB_OPTIONAL_FUNCTIONS(LIFEBOAT_VDDK_PRESENT)
#undef LIFEBOAT_VDDK_PRESENT
  out.Set("optionalFunctions", optional);
  return out;
}

Napi::Value ListTransportModes(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  const char *modes = state().lib.ListTransportModes();
  return Napi::String::New(env, modes ? modes : "");
}

Napi::Value Connect(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  if (info.Length() < 1 || !info[0].IsObject()) return Reject(env, "connect(params) needs an object");
  auto spec = ReadSpec(info[0].As<Napi::Object>());
  return Run(env, *state().control, "connect", [spec](Job *job) {
    VixDiskLibConnectParams *params = MakeParams(*spec);
    if (!params) {
      job->plainError = "out of memory";
      return;
    }
    VixDiskLibConnection conn = nullptr;
    VixError err = state().lib.ConnectEx(params, spec->readOnly, Str(spec->snapshotRef), Str(spec->transports), &conn);
    if (err != VIX_OK) {
      FreeParams(params);
      return FillError(job, err);
    }
    job->value = [conn, params, spec](Napi::Env env) {
      uint32_t id = state().nextId++;
      Connection &c = state().connections[id];
      c.vix = conn;
      c.params = params;
      c.spec = spec;
      return Napi::Number::New(env, id);
    };
  });
}

Napi::Value Disconnect(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  uint32_t id = info[0].ToNumber().Uint32Value();
  auto it = state().connections.find(id);
  if (it == state().connections.end()) return Reject(env, "disconnect: unknown connection " + std::to_string(id));
  Connection c = it->second;
  state().connections.erase(it);
  return Run(env, *state().control, "disconnect", [c](Job *job) {
    VixError err = state().lib.Disconnect(c.vix);
    // Only now may the parameters go (the spec, and with it the password, dies with the last copy of `c`).
    FreeParams(c.params);
    if (err != VIX_OK) FillError(job, err);
  });
}

Napi::Value AccessCall(const Napi::CallbackInfo &info, bool prepare) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsString()) return Reject(env, "needs (params, identity)");
  auto spec = ReadSpec(info[0].As<Napi::Object>());
  std::string identity = info[1].As<Napi::String>().Utf8Value();
  return Run(env, *state().control, prepare ? "prepareForAccess" : "endAccess", [spec, identity, prepare](Job *job) {
    VixDiskLibConnectParams *params = MakeParams(*spec);
    if (!params) {
      job->plainError = "out of memory";
      return;
    }
    VixError err = prepare ? state().lib.PrepareForAccess(params, identity.c_str())
                           : state().lib.EndAccess(params, identity.c_str());
    FreeParams(params);
    if (err != VIX_OK) FillError(job, err);
  });
}
Napi::Value PrepareForAccess(const Napi::CallbackInfo &info) { return AccessCall(info, true); }
Napi::Value EndAccess(const Napi::CallbackInfo &info) { return AccessCall(info, false); }

Napi::Value Cleanup(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  if (info.Length() < 1 || !info[0].IsObject()) return Reject(env, "cleanup(params) needs an object");
  auto spec = ReadSpec(info[0].As<Napi::Object>());
  return Run(env, *state().control, "cleanup", [spec](Job *job) {
    VixDiskLibConnectParams *params = MakeParams(*spec);
    uint32_t cleaned = 0, remaining = 0;
    VixError err = state().lib.Cleanup(params, &cleaned, &remaining);
    FreeParams(params);
    if (err != VIX_OK) return FillError(job, err);
    job->value = [cleaned, remaining](Napi::Env env) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("cleanedUp", cleaned);
      o.Set("remaining", remaining);
      return o;
    };
  });
}

Napi::Value Open(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  uint32_t connId = info[0].ToNumber().Uint32Value();
  auto it = state().connections.find(connId);
  if (it == state().connections.end()) return Reject(env, "open: unknown connection " + std::to_string(connId));
  if (info.Length() < 3 || !info[1].IsString()) return Reject(env, "open(connection, path, flags, asyncIo?)");
  std::string path = info[1].As<Napi::String>().Utf8Value();
  uint32_t flags = info[2].ToNumber().Uint32Value();
  bool asyncIo = info.Length() > 3 && info[3].ToBoolean().Value();
  VixDiskLibConnection conn = it->second.vix;
  return Run(env, *state().control, "open", [conn, path, flags, asyncIo](Job *job) {
    VixDiskLibHandle h = nullptr;
    VixError err = state().lib.Open(conn, path.c_str(), flags, &h);
    if (err != VIX_OK) return FillError(job, err);
    auto handle = std::make_shared<Handle>();
    handle->vix = h;
    const char *mode = state().lib.GetTransportMode(h);
    handle->transportMode = mode ? mode : "";
    handle->asyncIo = asyncIo && state().lib.ReadAsync && state().lib.WriteAsync && state().lib.Wait;
    handle->io = std::make_unique<TaskThread>();
    job->value = [handle](Napi::Env env) {
      uint32_t id = state().nextId++;
      state().handles[id] = handle;
      Napi::Object o = Napi::Object::New(env);
      o.Set("handle", id);
      o.Set("transportMode", handle->transportMode);
      o.Set("asyncIo", handle->asyncIo);
      return o;
    };
  });
}

std::shared_ptr<Handle> FindHandle(const Napi::CallbackInfo &info) {
  auto it = state().handles.find(info[0].ToNumber().Uint32Value());
  return it == state().handles.end() ? nullptr : it->second;
}

Napi::Value Close(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  uint32_t id = info[0].ToNumber().Uint32Value();
  auto it = state().handles.find(id);
  if (it == state().handles.end()) return Reject(env, "close: unknown disk handle " + std::to_string(id));
  std::shared_ptr<Handle> handle = it->second;
  state().handles.erase(it);
  return Run(env, *state().control, "close", [handle](Job *job) {
    handle->io->StopAndJoin();  // queued I/O finishes first; no call on the handle after this
    VixError err = state().lib.Close(handle->vix);
    handle->vix = nullptr;
    if (err != VIX_OK) FillError(job, err);
  });
}

Napi::Value GetInfo(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  auto handle = FindHandle(info);
  if (!handle) return Reject(env, "info: unknown disk handle");
  return Run(env, *handle->io, "info", [handle](Job *job) {
    VixDiskLibInfo *vi = nullptr;
    VixError err = state().lib.GetInfo(handle->vix, &vi);
    if (err != VIX_OK) return FillError(job, err);
    double capacity = static_cast<double>(vi->capacity);
    int adapter = vi->adapterType, links = vi->numLinks;
    std::string uuid = vi->uuid ? vi->uuid : "";
    std::string parent = vi->parentFileNameHint ? vi->parentFileNameHint : "";
    // These two fields exist only from VDDK 7 on.
    bool hasSectorSizes = state().lib.majorVersion >= 7;
    uint32_t logical = hasSectorSizes ? vi->logicalSectorSize : 512;
    uint32_t physical = hasSectorSizes ? vi->physicalSectorSize : 512;
    state().lib.FreeInfo(vi);
    job->value = [=](Napi::Env env) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("capacitySectors", capacity);
      o.Set("adapterType", adapter);
      o.Set("numLinks", links);
      if (!uuid.empty()) o.Set("uuid", uuid);
      if (!parent.empty()) o.Set("parentFileNameHint", parent);
      o.Set("logicalSectorSize", logical);
      o.Set("physicalSectorSize", physical);
      return o;
    };
  });
}

struct AsyncOutcome {
  VixError result = VIX_OK;
};
void OnAsyncComplete(void *data, VixError result) { static_cast<AsyncOutcome *>(data)->result = result; }

Napi::Value Read(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  auto handle = FindHandle(info);
  if (!handle) return Reject(env, "read: unknown disk handle");
  uint64_t start = static_cast<uint64_t>(info[1].ToNumber().Int64Value());
  uint64_t count = static_cast<uint64_t>(info[2].ToNumber().Int64Value());
  if (count > kMaxRequestBytes / VIXDISKLIB_SECTOR_SIZE) return Reject(env, "read: request larger than 64 MiB");
  return Run(env, *handle->io, "read", [handle, start, count](Job *job) {
    size_t bytes = static_cast<size_t>(count * VIXDISKLIB_SECTOR_SIZE);
    uint8_t *buf = static_cast<uint8_t *>(AlignedAlloc(bytes ? bytes : VIXDISKLIB_SECTOR_SIZE));
    if (!buf) {
      job->plainError = "out of memory";
      return;
    }
    VixError err;
    if (handle->asyncIo) {
      AsyncOutcome outcome;
      err = state().lib.ReadAsync(handle->vix, start, count, buf, OnAsyncComplete, &outcome);
      if (err == VIX_ASYNC) {
        state().lib.Wait(handle->vix);
        err = outcome.result;
      }
    } else {
      err = state().lib.Read(handle->vix, start, count, buf);
    }
    if (err != VIX_OK) {
      AlignedFree(buf);
      return FillError(job, err);
    }
    job->value = [buf, bytes](Napi::Env env) {
      // A copy, not an external buffer: Electron's memory cage refuses external memory.
      Napi::Buffer<uint8_t> out = Napi::Buffer<uint8_t>::Copy(env, buf, bytes);
      AlignedFree(buf);
      return out;
    };
  });
}

Napi::Value Write(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  auto handle = FindHandle(info);
  if (!handle) return Reject(env, "write: unknown disk handle");
  if (info.Length() < 3 || !info[2].IsBuffer()) return Reject(env, "write(handle, startSector, buffer)");
  uint64_t start = static_cast<uint64_t>(info[1].ToNumber().Int64Value());
  Napi::Buffer<uint8_t> data = info[2].As<Napi::Buffer<uint8_t>>();
  size_t bytes = data.Length();
  if (bytes > kMaxRequestBytes) return Reject(env, "write: request larger than 64 MiB");
  if (bytes % VIXDISKLIB_SECTOR_SIZE != 0) return Reject(env, "write: length is not a multiple of 512 bytes");
  // Sector-aligned memory for VDDK (unbuffered opens need it), filled here so JS may reuse its buffer.
  uint8_t *buf = static_cast<uint8_t *>(AlignedAlloc(bytes ? bytes : VIXDISKLIB_SECTOR_SIZE));
  if (!buf) return Reject(env, "write: out of memory");
  memcpy(buf, data.Data(), bytes);
  uint64_t count = bytes / VIXDISKLIB_SECTOR_SIZE;
  return Run(env, *handle->io, "write", [handle, start, count, buf](Job *job) {
    VixError err;
    if (handle->asyncIo) {
      AsyncOutcome outcome;
      err = state().lib.WriteAsync(handle->vix, start, count, buf, OnAsyncComplete, &outcome);
      if (err == VIX_ASYNC) {
        state().lib.Wait(handle->vix);
        err = outcome.result;
      }
    } else {
      err = state().lib.Write(handle->vix, start, count, buf);
    }
    AlignedFree(buf);
    if (err != VIX_OK) FillError(job, err);
  });
}

Napi::Value Flush(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  auto handle = FindHandle(info);
  if (!handle) return Reject(env, "flush: unknown disk handle");
  return Run(env, *handle->io, "flush", [handle](Job *job) {
    auto &lib = state().lib;
    if (lib.Wait) lib.Wait(handle->vix);  // Flush after outstanding async I/O
    VixError err = lib.Flush ? lib.Flush(handle->vix) : VIX_OK;
    if (err != VIX_OK) FillError(job, err);
  });
}

// Whole disk or a range, in calls of at most 32 GiB (the chunk-count limit);
// an unaligned tail cannot be queried and is reported as data.
Napi::Value QueryAllocatedBlocks(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  auto handle = FindHandle(info);
  if (!handle) return Reject(env, "queryAllocatedBlocks: unknown disk handle");
  uint64_t start = static_cast<uint64_t>(info[1].ToNumber().Int64Value());
  uint64_t count = static_cast<uint64_t>(info[2].ToNumber().Int64Value());
  uint64_t chunk = info.Length() > 3 ? static_cast<uint64_t>(info[3].ToNumber().Int64Value()) : 0;
  if (chunk == 0) chunk = VIXDISKLIB_MIN_CHUNK_SIZE;
  if (!state().lib.QueryAllocatedBlocks) {
    // An old VDDK: everything counts as data.
    auto deferred = Napi::Promise::Deferred::New(env);
    Napi::Array all = Napi::Array::New(env);
    if (count > 0) {
      Napi::Array pair = Napi::Array::New(env, 2);
      pair.Set(0u, static_cast<double>(start));
      pair.Set(1u, static_cast<double>(count));
      all.Set(0u, pair);
    }
    deferred.Resolve(all);
    return deferred.Promise();
  }
  if (start % chunk != 0) return Reject(env, "queryAllocatedBlocks: start sector must be a multiple of the chunk size");
  // The handle's own I/O thread: one call at a time per handle, and QueryAllocatedBlocks
  // holds the handle (for seconds on a real host) like any read; on another thread it
  // would meet a keepalive read or a copy read on the same handle.
  return Run(env, *handle->io, "queryAllocatedBlocks", [handle, start, count, chunk](Job *job) {
    auto &lib = state().lib;
    std::vector<std::pair<uint64_t, uint64_t>> blocks;
    const uint64_t maxPerCall = chunk * VIXDISKLIB_MAX_CHUNK_NUMBER;
    const uint64_t aligned = count - count % chunk;
    for (uint64_t pos = start; pos < start + aligned;) {
      uint64_t n = std::min(maxPerCall, start + aligned - pos);
      VixDiskLibBlockList *list = nullptr;
      VixError err = lib.QueryAllocatedBlocks(handle->vix, pos, n, chunk, &list);
      if (err != VIX_OK) return FillError(job, err);
      for (uint32_t i = 0; i < list->numBlocks; i++) {
        uint64_t off = list->blocks[i].offset, len = list->blocks[i].length;
        if (!blocks.empty() && blocks.back().first + blocks.back().second == off) blocks.back().second += len;
        else blocks.emplace_back(off, len);
      }
      if (lib.FreeBlockList) lib.FreeBlockList(list);
      pos += n;
    }
    if (aligned < count) {
      uint64_t off = start + aligned, len = count - aligned;
      if (!blocks.empty() && blocks.back().first + blocks.back().second == off) blocks.back().second += len;
      else blocks.emplace_back(off, len);
    }
    job->value = [blocks](Napi::Env env) {
      Napi::Array out = Napi::Array::New(env, blocks.size());
      for (size_t i = 0; i < blocks.size(); i++) {
        Napi::Array pair = Napi::Array::New(env, 2);
        pair.Set(0u, static_cast<double>(blocks[i].first));
        pair.Set(1u, static_cast<double>(blocks[i].second));
        out.Set(static_cast<uint32_t>(i), pair);
      }
      return out;
    };
  });
}

Napi::Value Create(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!RequireInit(env)) return env.Undefined();
  auto it = state().connections.find(info[0].ToNumber().Uint32Value());
  if (it == state().connections.end()) return Reject(env, "create: unknown connection");
  if (info.Length() < 3 || !info[1].IsString() || !info[2].IsObject()) return Reject(env, "create(connection, path, params)");
  std::string path = info[1].As<Napi::String>().Utf8Value();
  Napi::Object p = info[2].As<Napi::Object>();
  VixDiskLibCreateParams params{};
  params.diskType = static_cast<VixDiskLibDiskType>(p.Get("diskType").ToNumber().Int32Value());
  params.adapterType = static_cast<VixDiskLibAdapterType>(p.Get("adapterType").ToNumber().Int32Value());
  params.hwVersion = static_cast<uint16_t>(p.Get("hwVersion").ToNumber().Uint32Value());
  params.capacity = static_cast<uint64_t>(p.Get("capacitySectors").ToNumber().Int64Value());
  params.logicalSectorSize = VIXDISKLIB_SECTOR_SIZE;
  params.physicalSectorSize = VIXDISKLIB_SECTOR_SIZE;
  VixDiskLibConnection conn = it->second.vix;
  return Run(env, *state().control, "create", [conn, path, params](Job *job) {
    VixError err = state().lib.Create(conn, path.c_str(), &params, nullptr, nullptr);
    if (err != VIX_OK) FillError(job, err);
  });
}

Napi::Value ErrorText(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (!state().lib.GetErrorText) return env.Null();
  uint64_t code = 0;
  if (info[0].IsBigInt()) {
    bool lossless;
    code = info[0].As<Napi::BigInt>().Uint64Value(&lossless);
  } else {
    code = static_cast<uint64_t>(info[0].ToNumber().Int64Value());
  }
  return Napi::String::New(env, VixText(code));
}

// Ends VDDK for this process: every handle and connection must already be closed.
Napi::Value Exit(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  State &s = state();
  if (!s.initialized) return env.Undefined();
  s.control->StopAndJoin();
  s.lib.Exit();
  s.initialized = false;
  s.settler.Release();
  return env.Undefined();
}

}  // namespace

void RegisterVddkBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("init", Napi::Function::New(env, Init, "init"));
  exports.Set("listTransportModes", Napi::Function::New(env, ListTransportModes, "listTransportModes"));
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  exports.Set("disconnect", Napi::Function::New(env, Disconnect, "disconnect"));
  exports.Set("prepareForAccess", Napi::Function::New(env, PrepareForAccess, "prepareForAccess"));
  exports.Set("endAccess", Napi::Function::New(env, EndAccess, "endAccess"));
  exports.Set("cleanup", Napi::Function::New(env, Cleanup, "cleanup"));
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("info", Napi::Function::New(env, GetInfo, "info"));
  exports.Set("read", Napi::Function::New(env, Read, "read"));
  exports.Set("write", Napi::Function::New(env, Write, "write"));
  exports.Set("flush", Napi::Function::New(env, Flush, "flush"));
  exports.Set("queryAllocatedBlocks", Napi::Function::New(env, QueryAllocatedBlocks, "queryAllocatedBlocks"));
  exports.Set("create", Napi::Function::New(env, Create, "create"));
  exports.Set("errorText", Napi::Function::New(env, ErrorText, "errorText"));
  exports.Set("exit", Napi::Function::New(env, Exit, "exit"));
}
