#pragma once
#include <napi.h>

// Adds init/connect/open/read/write/... to the module. Loads VDDK into this
// process when init() is called: use only inside the VDDK worker process.
void RegisterVddkBindings(Napi::Env env, Napi::Object exports);
