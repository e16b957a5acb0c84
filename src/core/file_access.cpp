#include "core/file_access.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace ac {
namespace {

struct Root {
  std::string path;  // canonical, without a trailing slash
  int fd = -1;
};

std::mutex& roots_mutex() {
  static std::mutex m;
  return m;
}
std::vector<Root>& roots() {
  static std::vector<Root> r;
  return r;
}

Unexpected fail(const std::string& path, const std::string& why) {
  return unexpected(make_error(ErrorDomain::core, "'" + path + "': " + why));
}

// The root `path` is lexically beneath, and the rest of it.
const Root* find_root(const std::string& path, std::string& rest) {
  for (const Root& r : roots()) {
    if (path.size() > r.path.size() + 1 && path.compare(0, r.path.size(), r.path) == 0 && path[r.path.size()] == '/') {
      rest = path.substr(r.path.size() + 1);
      return &r;
    }
  }
  return nullptr;
}

int openat2_beneath(int dir, const std::string& rest, int flags, mode_t mode) {
  open_how how{};
  how.flags = static_cast<__u64>(static_cast<unsigned>(flags | O_CLOEXEC));
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(syscall(SYS_openat2, dir, rest.c_str(), &how, sizeof how));
}

}  // namespace

bool is_plain_relative_path(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (start <= p.size()) {
    const size_t end = p.find('/', start);
    const std::string part = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (part == "..") return false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

Expected<std::string> confine_files_beneath(const std::string& dir) {
  char resolved[PATH_MAX];
  if (!realpath(dir.c_str(), resolved)) return fail(dir, std::strerror(errno));
  struct stat st {};
  if (stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode)) return fail(dir, "not a directory");
  const int fd = open(resolved, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail(dir, std::strerror(errno));
  std::lock_guard<std::mutex> lock(roots_mutex());
  std::string canonical = resolved;
  if (canonical.size() > 1 && canonical.back() == '/') canonical.pop_back();
  roots().push_back({canonical, fd});
  return canonical;
}

void clear_confined_roots() {
  std::lock_guard<std::mutex> lock(roots_mutex());
  for (Root& r : roots()) close(r.fd);
  roots().clear();
}

std::string confined_root_of(const std::string& path) {
  std::lock_guard<std::mutex> lock(roots_mutex());
  std::string rest;
  const Root* r = find_root(path, rest);
  return r ? r->path : std::string{};
}

Expected<int> open_file(const std::string& path, int flags, mode_t mode) {
  std::string rest;
  int dir = -1;
  {
    std::lock_guard<std::mutex> lock(roots_mutex());
    if (const Root* r = find_root(path, rest)) dir = r->fd;
  }
  if (dir < 0) {
    const int fd = open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) return fail(path, std::strerror(errno));
    return fd;
  }
  const int fd = openat2_beneath(dir, rest, flags, mode);
  if (fd >= 0) return fd;
  if (errno == EXDEV || errno == ELOOP)
    return fail(path, "leads out of the directory it must stay in (a '..' or a symlink); refused");
  if (errno == ENOSYS)
    return fail(path, "this kernel has no openat2(2) (Linux 5.6 or later), so a confined file cannot be opened safely");
  return fail(path, std::strerror(errno));
}

Expected<std::vector<uint8_t>> read_whole_file(const std::string& path, uint64_t max_bytes) {
  auto fd = open_file(path, O_RDONLY);
  if (!fd) return unexpected(fd.error());
  struct stat st {};
  if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(*fd);
    return fail(path, "not a regular file");
  }
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    close(*fd);
    return fail(path, "larger than " + std::to_string(max_bytes / (1024 * 1024)) + " MB");
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = read(*fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(*fd);
  bytes.resize(done);
  return bytes;
}

}  // namespace ac
