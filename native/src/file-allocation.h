#pragma once
#include <napi.h>

// fileAllocatedRanges(path, offset, length): Promise<Array<{offset, length}>> of
// allocated byte ranges in a local file. Safe in any process (no VDDK).
void RegisterFileAllocation(Napi::Env env, Napi::Object exports);
