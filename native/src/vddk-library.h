// Finds and loads libvixDiskLib at run time (never linked) and resolves its
// functions. Later functions are optional: a null pointer means "not in this VDDK".
#pragma once

#include <string>
#include <vector>

#include "../include/vixdisklib-abi.h"

struct VddkLibrary {
#define LIFEBOAT_VDDK_POINTER(ret, name, params) ret(*name) params = nullptr;
  VIXDISKLIB_REQUIRED_FUNCTIONS(LIFEBOAT_VDDK_POINTER)
  VIXDISKLIB_OPTIONAL_FUNCTIONS(LIFEBOAT_VDDK_POINTER)
#undef LIFEBOAT_VDDK_POINTER

  void *module = nullptr;
  int majorVersion = 0;
  std::string path;
  // VDDK's own libraries loaded by absolute path before it (see bundled-libraries.cc).
  std::vector<std::string> bundledLoaded;
};

// The candidate files under a VDDK distribution folder, in probing order,
// each with the major version its name implies.
struct VddkCandidate {
  std::string relativePath;
  int majorVersion;
};
std::vector<VddkCandidate> VddkCandidates();

// Loads the first candidate that exists. On failure returns false and explains why in `error`.
bool LoadVddkLibrary(const std::string &libDir, VddkLibrary &lib, std::string &error);
