// Allocated ranges of a local file from its holes: SEEK_DATA/SEEK_HOLE on
// Linux and macOS; on Windows the whole range is reported allocated.
#include "file-allocation.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace {

class AllocationWorker : public Napi::AsyncWorker {
 public:
  AllocationWorker(Napi::Env env, std::string path, int64_t offset, int64_t length)
      : Napi::AsyncWorker(env, "lifeboat-file-allocation"),
        deferred_(Napi::Promise::Deferred::New(env)),
        path_(std::move(path)),
        offset_(offset),
        length_(length) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    const int64_t end = offset_ + length_;
#ifdef _WIN32
    if (length_ > 0) ranges_.emplace_back(offset_, length_);
#else
    int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return SetError(path_ + ": " + strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
      close(fd);
      return SetError(path_ + ": " + strerror(errno));
    }
    // Past the end of the file there is nothing allocated.
    const int64_t limit = std::min<int64_t>(end, st.st_size);
    int64_t pos = offset_;
    while (pos < limit) {
      off_t data = lseek(fd, pos, SEEK_DATA);
      if (data < 0) {
        if (errno == ENXIO) break;  // no data after pos
        if (errno == EINVAL || errno == ENOTSUP) {
          ranges_.emplace_back(pos, limit - pos);  // no hole support here: all data
          break;
        }
        int e = errno;
        close(fd);
        return SetError(path_ + ": SEEK_DATA: " + strerror(e));
      }
      if (data >= limit) break;
      off_t hole = lseek(fd, data, SEEK_HOLE);
      if (hole < 0 || hole > limit) hole = limit;
      ranges_.emplace_back(data, hole - data);
      pos = hole;
    }
    close(fd);
#endif
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Array out = Napi::Array::New(env, ranges_.size());
    for (size_t i = 0; i < ranges_.size(); i++) {
      Napi::Object r = Napi::Object::New(env);
      r.Set("offset", static_cast<double>(ranges_[i].first));
      r.Set("length", static_cast<double>(ranges_[i].second));
      out.Set(static_cast<uint32_t>(i), r);
    }
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error &e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string path_;
  int64_t offset_, length_;
  std::vector<std::pair<int64_t, int64_t>> ranges_;
};

Napi::Value FileAllocatedRanges(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber()) {
    Napi::TypeError::New(env, "fileAllocatedRanges(path, offset, length)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int64_t offset = info[1].As<Napi::Number>().Int64Value();
  int64_t length = info[2].As<Napi::Number>().Int64Value();
  if (offset < 0 || length < 0) {
    Napi::RangeError::New(env, "offset and length must not be negative").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  auto *worker = new AllocationWorker(env, info[0].As<Napi::String>().Utf8Value(), offset, length);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void RegisterFileAllocation(Napi::Env env, Napi::Object exports) {
  exports.Set("fileAllocatedRanges", Napi::Function::New(env, FileAllocatedRanges, "fileAllocatedRanges"));
}
