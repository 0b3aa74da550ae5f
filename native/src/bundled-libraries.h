// VDDK's lib64/ ships its own copies of libraries it was built with (OpenSSL,
// curl, zlib, sqlite, and older libstdc++/libgcc_s). This loads the ones VDDK
// needs from that folder by absolute path, in dependency order, without ever
// putting the folder on the process's library search path. Linux only.
#pragma once

#include <string>
#include <vector>

// The DT_NEEDED names of an ELF shared object. Returns false (and why) when the
// file is not a readable 64-bit little-endian ELF object.
bool ElfNeededLibraries(const std::string &path, std::vector<std::string> &needed, std::string &error);

// Loads, by absolute path and depth first, every library in `folder` that
// `library` needs (directly or through another bundled library), skipping the
// C and C++ runtime (see the .cc for why). `loaded` receives the paths loaded.
bool PreloadBundledDependencies(const std::string &library, const std::string &folder,
                                std::vector<std::string> &loaded, std::string &error);
