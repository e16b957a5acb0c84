#include "graph/graph_file_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "graph/graph_loader.h"

namespace ac {
namespace {

Unexpected fail(const std::string& path, const std::string& why) {
  SourceLocation w;
  w.file = path;
  return unexpected(make_error(ErrorDomain::graph, why, w));
}

const char* kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

// Closes the descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Expected<std::string> read_graph_file(const std::string& path) {
  // O_NONBLOCK: opening a FIFO with no writer must not hang before fstat
  // can say what it is.
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) {
    if (errno == ENOENT) return fail(path, "no such file");
    return fail(path, std::string("cannot open graph file: ") + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return fail(path, std::string("cannot read graph file: ") + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail(path, "is a directory, not a graph file");
  if (!S_ISREG(st.st_mode))
    return fail(path, std::string("not a regular file (") + kind_of(st.st_mode) + "): graph files are read from files");
  const auto limit = static_cast<off_t>(kMaxGraphFileBytes);
  char size[64];
  std::snprintf(size, sizeof size, "%.1f MB", static_cast<double>(st.st_size) / (1 << 20));
  if (st.st_size > limit)
    return fail(path, std::string("larger than ") + std::to_string(kMaxGraphFileBytes >> 20) + " MB (" + size +
                          "): not a graph file");
  std::string text(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(f.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(path, std::string("cannot read graph file: ") + std::strerror(errno));
    if (n == 0) break;  // it shrank while read
    got += static_cast<size_t>(n);
  }
  text.resize(got);
  return text;
}

Expected<void> check_text(std::string_view text, const std::string& file_name) {
  uint32_t line = 1, column = 1;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) {
      char what[64];
      std::snprintf(what, sizeof what, "not a text file: byte 0x%02x", c);
      return unexpected(make_error(ErrorDomain::graph,
                                   std::string(what) + " (a graph file is YAML text; is this a binary file?)",
                                   SourceLocation{file_name, line, column}));
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {};
}

}  // namespace ac
