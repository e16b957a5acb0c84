// The ABI's refusals (docs/spec/plugin-abi.md "Module requirements"): each
// bad module is refused before any of its code runs, with a message that
// names the problem.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plugin/wasm_module.h"
#include "plugin/wasm_plugin.h"
#include "plugin_test_support.h"

namespace ac::wasm {
namespace {

using ::testing::HasSubstr;

std::string refusal(const std::string& file) {
  auto m = Module::load_file(test::fixture(file));
  if (m) return "accepted";
  return m.error().message;
}

TEST(PluginAbi, MissingExportIsNamed) {
  EXPECT_THAT(refusal("missing_export.wasm"), HasSubstr("missing export ac_plugin_process (i32) -> ()"));
}

TEST(PluginAbi, WrongSignatureIsNamed) {
  EXPECT_THAT(refusal("wrong_signature.wasm"),
              HasSubstr("export ac_plugin_process has signature (f32) -> (), the ABI requires (i32) -> ()"));
}

TEST(PluginAbi, ForbiddenImportIsNamed) {
  const std::string msg = refusal("forbidden_import.wasm");
  EXPECT_THAT(msg, HasSubstr("forbidden import wasi_snapshot_preview1.fd_write"));
  EXPECT_THAT(msg, HasSubstr("allowed: ac.log_message"));
}

TEST(PluginAbi, MemoryAboveTheLimitIsNamed) {
  EXPECT_THAT(refusal("memory_too_big.wasm"), HasSubstr("memory of 5000 pages is above the limit of 4096 pages"));
  // A higher limit admits it.
  ModuleLimits roomy;
  roomy.max_memory_pages = 8192;
  EXPECT_TRUE(Module::load_file(test::fixture("memory_too_big.wasm"), roomy));
}

TEST(PluginAbi, MalformedBinariesAreRefused) {
  auto not_wasm = Module::load({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "hello.wasm");
  ASSERT_FALSE(not_wasm);
  EXPECT_THAT(not_wasm.error().message, HasSubstr("hello.wasm: not a WebAssembly binary"));
  // A real module cut short in its code section.
  auto bytes = Module::load_file(test::example_plugin("gain"));
  ASSERT_TRUE(bytes);
  std::vector<uint8_t> cut((*bytes)->bytes().begin(), (*bytes)->bytes().end() - 100);
  auto truncated = Module::load(cut, "cut.wasm");
  ASSERT_FALSE(truncated);
  EXPECT_THAT(truncated.error().message, HasSubstr("cut.wasm: malformed binary"));
  auto missing = Module::load_file("/nonexistent/p.wasm");
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("cannot open"));
}

TEST(PluginAbi, DescriptorOutsideMemoryIsRefusedByBothEngines) {
  test::use_test_cache();
  for (EngineChoice e : {EngineChoice::compiled, EngineChoice::interpreted}) {
    PluginOptions o;
    o.engine = e;
    auto p = load_plugin(test::fixture("bad_descriptor.wasm"), o);
    ASSERT_FALSE(p);
    EXPECT_THAT(p.error().message, HasSubstr("descriptor: address 65530 is not inside the memory"));
  }
}

TEST(PluginAbi, ExamplesDescribeThemselves) {
  test::use_test_cache();
  auto gain = load_plugin(test::example_plugin("gain"));
  ASSERT_TRUE(gain) << gain.error().message;
  const PluginDescriptor& d = (*gain)->descriptor;
  EXPECT_EQ(d.id, "org.audiocloud.example.gain");
  EXPECT_EQ(d.input_channels(), 2u);
  EXPECT_EQ(d.output_channels(), 2u);
  ASSERT_EQ(d.params.size(), 1u);
  EXPECT_EQ(d.params[0].id, "gain");
  EXPECT_EQ(d.params[0].unit, "dB");
  EXPECT_FLOAT_EQ(d.params[0].min, -90.0f);
  EXPECT_FLOAT_EQ(d.params[0].max, 24.0f);
  EXPECT_TRUE((*gain)->compiled);
  EXPECT_TRUE((*gain)->module->imports().empty());

  auto synth = load_plugin(test::example_plugin("synth"));
  ASSERT_TRUE(synth) << synth.error().message;
  EXPECT_EQ((*synth)->descriptor.event_inputs, 1u);
  EXPECT_EQ((*synth)->descriptor.input_channels(), 0u);

  auto faust = load_plugin(test::example_plugin("tremolo"));
  ASSERT_TRUE(faust) << faust.error().message;
  EXPECT_EQ(faust.value()->descriptor.params.size(), 3u);
  EXPECT_EQ(faust.value()->descriptor.input_channels(), 2u);
}

// ac.log_message reaches the host's ring, in order, from both engines.
TEST(PluginAbi, LogMessagesReachTheHost) {
  test::use_test_cache();
  for (EngineChoice e : {EngineChoice::compiled, EngineChoice::interpreted}) {
    PluginOptions o;
    o.engine = e;
    auto p = load_plugin(test::fixture("logger.wasm"), o);
    ASSERT_TRUE(p) << p.error().message;
    auto r = PluginRunner::create(*p, 48000, 64, 0);
    ASSERT_TRUE(r) << r.error().message;
    for (int i = 0; i < 3; ++i) {
      (*r)->begin(64);
      EXPECT_EQ((*r)->run(), TrapCode::none);
    }
    std::vector<std::string> lines;
    (*r)->instance().drain_log([&](std::string_view s) { lines.emplace_back(s); });
    EXPECT_EQ(lines, std::vector<std::string>(3, "hello from wasm"));
  }
}

// A second load finds the compiled object in the cache; explicit bounds
// checks are a different object.
TEST(PluginAbi, CompiledObjectsAreCachedByContent) {
  test::TempDir dir;
  PluginOptions o;
  o.engine = EngineChoice::compiled;
  o.aot.cache_dir = dir.dir();
  auto first = load_plugin(test::example_plugin("eq"), o);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE((*first)->artifact.from_cache);
  EXPECT_GT((*first)->artifact.compile_seconds, 0.0);
  auto second = load_plugin(test::example_plugin("eq"), o);
  ASSERT_TRUE(second);
  EXPECT_TRUE((*second)->artifact.from_cache);
  EXPECT_EQ((*second)->artifact.library, (*first)->artifact.library);
  o.aot.bounds = BoundsCheck::explicit_checks;
  auto checked = load_plugin(test::example_plugin("eq"), o);
  ASSERT_TRUE(checked);
  EXPECT_NE((*checked)->artifact.library, (*first)->artifact.library);
}

// Without a C compiler the host interprets, and says so.
TEST(PluginAbi, FallsBackToTheInterpreterWithAWarning) {
  test::use_test_cache();
  PluginOptions o;
  o.aot.compiler = "no-such-cc";
  auto p = load_plugin(test::example_plugin("gain"), o);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_FALSE((*p)->compiled);
  EXPECT_THAT((*p)->warning, HasSubstr("no C compiler 'no-such-cc'"));
  EXPECT_THAT((*p)->warning, HasSubstr("100 to 1000 times slower"));
  o.engine = EngineChoice::compiled;
  EXPECT_FALSE(load_plugin(test::example_plugin("gain"), o));
}

}  // namespace
}  // namespace ac::wasm
