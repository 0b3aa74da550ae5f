#include "vddk-library.h"

#include "bundled-libraries.h"

#ifdef _WIN32
#include <windows.h>
static void *OpenModule(const std::string &path, std::string &error) {
  HMODULE m = LoadLibraryExA(path.c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
  if (!m) error = "LoadLibraryEx failed with error " + std::to_string(GetLastError());
  return reinterpret_cast<void *>(m);
}
static void *FindSymbol(void *module, const char *name) {
  return reinterpret_cast<void *>(GetProcAddress(reinterpret_cast<HMODULE>(module), name));
}
static bool Exists(const std::string &path) { return GetFileAttributesA(path.c_str()) != INVALID_FILE_ATTRIBUTES; }
#else
#include <dlfcn.h>
#include <unistd.h>
// RTLD_DEEPBIND: VDDK's symbol lookups see its own bundled libraries before what
// the host exports (Node exports its static OpenSSL, Electron its BoringSSL), so
// VDDK's TLS calls reach the OpenSSL it was built with. ASan refuses DEEPBIND;
// the sanitizer build (lab VDDK only, no OpenSSL to clash with) leaves it out.
#if defined(__SANITIZE_ADDRESS__) || defined(LIFEBOAT_NO_DEEPBIND)
constexpr int kVddkDlopenFlags = RTLD_NOW | RTLD_LOCAL;
#else
constexpr int kVddkDlopenFlags = RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND;
#endif
static void *OpenModule(const std::string &path, std::string &error) {
  void *m = dlopen(path.c_str(), kVddkDlopenFlags);
  if (!m) {
    const char *why = dlerror();
    error = why ? why : "dlopen failed";
  }
  return m;
}
static void *FindSymbol(void *module, const char *name) { return dlsym(module, name); }
static bool Exists(const std::string &path) { return access(path.c_str(), F_OK) == 0; }
#endif

std::vector<VddkCandidate> VddkCandidates() {
#ifdef _WIN32
  return {{"bin\\vixDiskLib.dll", 0}, {"vixDiskLib.dll", 0}};
#else
  std::vector<VddkCandidate> out;
  for (const char *prefix : {"lib64/", ""}) {
    for (int major : {9, 8, 7, 6}) {
      out.push_back({std::string(prefix) + "libvixDiskLib.so." + std::to_string(major), major});
    }
  }
  return out;
#endif
}

bool LoadVddkLibrary(const std::string &libDir, VddkLibrary &lib, std::string &error) {
  std::string looked;
  for (const auto &candidate : VddkCandidates()) {
    std::string full = libDir + "/" + candidate.relativePath;
    looked += (looked.empty() ? "" : ", ") + candidate.relativePath;
    if (!Exists(full)) continue;
    std::string why;
    // The folder that actually holds the library (lib64/ or the top), not a guess.
    std::string folder = full.substr(0, full.find_last_of("/\\"));
    if (!PreloadBundledDependencies(full, folder, lib.bundledLoaded, why)) {
      error = "could not load " + full + ": " + why;
      return false;
    }
    void *module = OpenModule(full, why);
    if (!module) {
      error = "could not load " + full + ": " + why;
      return false;
    }
    lib.module = module;
    lib.majorVersion = candidate.majorVersion;
    lib.path = full;
    std::string missing;
#define LIFEBOAT_VDDK_REQUIRED(ret, name, params)                                                \
  lib.name = reinterpret_cast<ret(*) params>(FindSymbol(module, "VixDiskLib_" #name));          \
  if (!lib.name) missing += (missing.empty() ? "" : ", ") + std::string("VixDiskLib_" #name);
    VIXDISKLIB_REQUIRED_FUNCTIONS(LIFEBOAT_VDDK_REQUIRED)
#undef LIFEBOAT_VDDK_REQUIRED
#define LIFEBOAT_VDDK_OPTIONAL(ret, name, params) \
  lib.name = reinterpret_cast<ret(*) params>(FindSymbol(module, "VixDiskLib_" #name));
    VIXDISKLIB_OPTIONAL_FUNCTIONS(LIFEBOAT_VDDK_OPTIONAL)
#undef LIFEBOAT_VDDK_OPTIONAL
    if (!missing.empty()) {
      error = full + " is not a usable VDDK: missing " + missing;
      return false;
    }
    return true;
  }
  error = "VDDK not found in " + libDir + "; looked for " + looked;
  return false;
}
