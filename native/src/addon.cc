// lifeboat_vddk: the native side of Lifeboat. Loading the module loads no VDDK;
// only init() (called in the VDDK worker process) does.
#include <napi.h>

#include "file-allocation.h"
#include "vddk-bindings.h"

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  RegisterFileAllocation(env, exports);
  RegisterVddkBindings(env, exports);
  return exports;
}

NODE_API_MODULE(lifeboat_vddk, InitModule)
