// Why not LD_LIBRARY_PATH (as nbdkit's re-exec does): the loader reads it for
// the whole process image, so Node/Electron and this addon (built against a
// newer libstdc++) would pick up VDDK's older C++ runtime and fail before
// InitEx. Instead each bundled dependency is dlopened by absolute path first:
// when libvixDiskLib is then loaded, glibc matches its DT_NEEDED names against
// the sonames already loaded and uses VDDK's own copies. The C and C++ runtime
// (libstdc++, libgcc_s, libc, libm, ...) are never taken from VDDK's folder: the
// process already has them, newer (they are backward compatible), and two C++
// runtimes in one process is what must not happen. dlmopen would isolate VDDK
// completely, but a second libc in one process breaks sanitizers and is limited
// to a handful of namespaces; RTLD_DEEPBIND (see vddk-library.cc) gives VDDK its
// own OpenSSL/curl symbols first, which is the clash that matters.
#include "bundled-libraries.h"

#ifndef _WIN32
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

namespace {

// The process's own runtime: never loaded from VDDK's folder.
bool IsHostRuntime(const std::string &name) {
  static const char *const prefixes[] = {"libstdc++.so", "libgcc_s.so", "libc.so", "libm.so", "libdl.so",
                                         "libpthread.so", "librt.so", "ld-linux", "libresolv.so"};
  for (const char *p : prefixes) {
    if (name.compare(0, strlen(p), p) == 0) return true;
  }
  return false;
}

bool ReadAt(int fd, uint64_t offset, void *buf, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t r = pread(fd, static_cast<char *>(buf) + done, len - done, static_cast<off_t>(offset + done));
    if (r <= 0) return false;
    done += static_cast<size_t>(r);
  }
  return true;
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

bool ElfNeededLibraries(const std::string &path, std::vector<std::string> &needed, std::string &error) {
  Fd f{open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    error = "cannot open " + path + ": " + strerror(errno);
    return false;
  }
  Elf64_Ehdr eh;
  if (!ReadAt(f.fd, 0, &eh, sizeof eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_phentsize != sizeof(Elf64_Phdr)) {
    error = path + " is not a 64-bit little-endian ELF shared object";
    return false;
  }
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  if (eh.e_phnum == 0 || !ReadAt(f.fd, eh.e_phoff, ph.data(), ph.size() * sizeof(Elf64_Phdr))) {
    error = path + ": cannot read its program headers";
    return false;
  }
  // Virtual address -> file offset through the PT_LOAD segments.
  auto fileOffset = [&ph](uint64_t vaddr, uint64_t &out) {
    for (const auto &p : ph) {
      if (p.p_type == PT_LOAD && vaddr >= p.p_vaddr && vaddr - p.p_vaddr < p.p_filesz) {
        out = p.p_offset + (vaddr - p.p_vaddr);
        return true;
      }
    }
    return false;
  };
  const Elf64_Phdr *dynamic = nullptr;
  for (const auto &p : ph) {
    if (p.p_type == PT_DYNAMIC) dynamic = &p;
  }
  if (!dynamic) return true;  // statically linked: needs nothing
  std::vector<Elf64_Dyn> dyn(dynamic->p_filesz / sizeof(Elf64_Dyn));
  if (!ReadAt(f.fd, dynamic->p_offset, dyn.data(), dyn.size() * sizeof(Elf64_Dyn))) {
    error = path + ": cannot read its dynamic section";
    return false;
  }
  uint64_t strtab = 0, strsz = 0;
  std::vector<uint64_t> names;
  for (const auto &d : dyn) {
    if (d.d_tag == DT_NULL) break;
    if (d.d_tag == DT_STRTAB) strtab = d.d_un.d_ptr;
    if (d.d_tag == DT_STRSZ) strsz = d.d_un.d_val;
    if (d.d_tag == DT_NEEDED) names.push_back(d.d_un.d_val);
  }
  uint64_t strOffset = 0;
  if (names.empty()) return true;
  if (!strtab || !strsz || strsz > (1u << 24) || !fileOffset(strtab, strOffset)) {
    error = path + ": its dynamic string table is missing";
    return false;
  }
  std::string table(strsz, '\0');
  if (!ReadAt(f.fd, strOffset, &table[0], strsz)) {
    error = path + ": cannot read its dynamic string table";
    return false;
  }
  for (uint64_t at : names) {
    if (at >= strsz) {
      error = path + ": a DT_NEEDED entry points outside the string table";
      return false;
    }
    needed.emplace_back(table.c_str() + at);
  }
  return true;
}

namespace {

bool Preload(const std::string &path, const std::string &folder, std::set<std::string> &visiting,
             std::vector<std::string> &loaded, std::string &error, bool loadSelf) {
  if (!visiting.insert(path).second) return true;  // done, or a cycle
  std::vector<std::string> needed;
  if (!ElfNeededLibraries(path, needed, error)) return false;
  for (const auto &name : needed) {
    if (IsHostRuntime(name) || name.find('/') != std::string::npos) continue;
    std::string candidate = folder + "/" + name;
    struct stat st;
    if (stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // not bundled: the system's copy
    if (!Preload(candidate, folder, visiting, loaded, error, true)) return false;
  }
  if (!loadSelf) return true;
  // RTLD_LOCAL: VDDK's copies serve VDDK only, never the host's later lookups.
  if (!dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    const char *why = dlerror();
    error = "could not load VDDK's bundled " + path + ": " + (why ? why : "dlopen failed");
    return false;
  }
  loaded.push_back(path);
  return true;
}

}  // namespace

bool PreloadBundledDependencies(const std::string &library, const std::string &folder,
                                std::vector<std::string> &loaded, std::string &error) {
  std::set<std::string> visiting;
  return Preload(library, folder, visiting, loaded, error, false);
}

#else
bool ElfNeededLibraries(const std::string &, std::vector<std::string> &, std::string &error) {
  error = "not an ELF platform";
  return false;
}
// Windows: LoadLibraryEx with LOAD_WITH_ALTERED_SEARCH_PATH already takes the DLL's own folder first.
bool PreloadBundledDependencies(const std::string &, const std::string &, std::vector<std::string> &, std::string &) {
  return true;
}
#endif
