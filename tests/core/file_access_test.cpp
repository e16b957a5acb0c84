// Confined roots: beneath one, no path leads out — not '..', not an
// absolute symlink, not a chain of relative ones — while paths elsewhere
// open as usual.
#include "core/file_access.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ac {
namespace {

namespace fs = std::filesystem;

struct Dirs {
  Dirs() {
    char t[] = "/tmp/ac-confine-XXXXXX";
    base = mkdtemp(t);
    fs::create_directories(base + "/root/sub");
    fs::create_directories(base + "/out");
    std::ofstream(base + "/out/secret") << "x";
    std::ofstream(base + "/root/sub/ok") << "y";
    fs::create_symlink(base + "/out", base + "/root/abs_link");  // absolute, leads out
    fs::create_symlink("../out", base + "/root/rel_link");       // relative, leads out
    fs::create_symlink("sub", base + "/root/inner_link");        // stays inside
  }
  ~Dirs() {
    clear_confined_roots();
    fs::remove_all(base);
  }
  std::string base;
};

TEST(FileAccess, NothingBeneathAConfinedRootLeadsOut) {
  Dirs d;
  auto root = confine_files_beneath(d.base + "/root");
  ASSERT_TRUE(root) << root.error().message;
  EXPECT_EQ(confined_root_of(*root + "/sub/ok"), *root);
  auto ok = open_file(*root + "/sub/ok", O_RDONLY);
  ASSERT_TRUE(ok) << ok.error().message;
  close(*ok);
  auto inner = open_file(*root + "/inner_link/ok", O_RDONLY);
  ASSERT_TRUE(inner) << inner.error().message;
  close(*inner);
  for (const std::string escape : {"/abs_link/secret", "/rel_link/secret", "/../out/secret", "/sub/../../out/secret"}) {
    auto bad = open_file(*root + escape, O_RDONLY);
    ASSERT_FALSE(bad) << escape;
    EXPECT_NE(bad.error().message.find("leads out of the directory it must stay in"), std::string::npos)
        << bad.error().message;
  }
  // Creating through an escaping link is refused too, and creates nothing.
  auto create = open_file(*root + "/abs_link/new", O_WRONLY | O_CREAT | O_TRUNC);
  EXPECT_FALSE(create);
  EXPECT_FALSE(fs::exists(d.base + "/out/new"));
  // Elsewhere: as usual.
  auto elsewhere = open_file(d.base + "/out/secret", O_RDONLY);
  ASSERT_TRUE(elsewhere);
  close(*elsewhere);
}

TEST(FileAccess, PlainRelativePaths) {
  EXPECT_TRUE(is_plain_relative_path("a.wav"));
  EXPECT_TRUE(is_plain_relative_path("takes/a..b.wav"));
  EXPECT_FALSE(is_plain_relative_path(""));
  EXPECT_FALSE(is_plain_relative_path("/etc/passwd"));
  EXPECT_FALSE(is_plain_relative_path(".."));
  EXPECT_FALSE(is_plain_relative_path("a/../../b"));
  EXPECT_FALSE(is_plain_relative_path("a/.."));
  EXPECT_FALSE(is_plain_relative_path(std::string("a\0b", 3)));
}

TEST(FileAccess, AConfinedRootMustBeADirectory) {
  Dirs d;
  EXPECT_FALSE(confine_files_beneath(d.base + "/out/secret"));
  EXPECT_FALSE(confine_files_beneath(d.base + "/missing"));
}

}  // namespace
}  // namespace ac
