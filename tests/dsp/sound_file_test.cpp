// File round trips are bit-exact for every container and encoding, checked
// both by reading back and by sox as an independent decoder.
#include "dsp/sound_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/audio_buffer.h"
#include "dsp/file_recorder.h"
#include "graph/compiler.h"
#include "graph/executor.h"
#include "render_helpers.h"

namespace ac {
namespace {

struct Format {
  const char* ext;
  FileFormat format;
  SampleEncoding encoding;
  int bits;  // 0 = float
};

// Values an encoding holds exactly: k / 2^(bits-1), including both ends.
std::vector<float> test_signal(int bits, size_t frames, uint32_t channels) {
  std::vector<float> x(frames * channels);
  const double scale = bits ? std::ldexp(1.0, bits - 1) : 0.0;
  uint64_t state = 12345;
  for (size_t i = 0; i < x.size(); ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    const double u = static_cast<double>(state >> 11) * 0x1p-53 * 2.0 - 1.0;
    // Float files get values on a 2^-24 grid, which sox (32-bit integers
    // inside) also carries exactly; out-of-range floats are tested apart.
    x[i] =
        bits ? static_cast<float>(std::floor(u * scale) / scale) : static_cast<float>(std::floor(u * 0x1p24) * 0x1p-24);
  }
  x[0] = -1.0f;
  if (bits) x[1] = static_cast<float>((scale - 1.0) / scale);
  return x;
}

class RoundTrip : public ::testing::TestWithParam<Format> {};

TEST_P(RoundTrip, IsBitExactAndSoxAgrees) {
  const Format f = GetParam();
  test::TempDir tmp;
  const std::string path = tmp.path(std::string("x.") + f.ext);
  constexpr uint32_t kChannels = 2;
  constexpr size_t kFrames = 10000;
  const auto x = test_signal(f.bits, kFrames, kChannels);
  {
    auto w = SoundFileWriter::create(path, SoundFileSpec{f.format, f.encoding, kChannels, 48000});
    ASSERT_TRUE(w) << w.error().message;
    ASSERT_TRUE((*w)->write_interleaved(x.data(), 4000));
    ASSERT_TRUE((*w)->write_interleaved(x.data() + 4000 * kChannels, kFrames - 4000));
    ASSERT_TRUE((*w)->close());
  }
  SoundFileInfo info;
  auto back = read_sound_file(path, &info);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(info.frames, static_cast<int64_t>(kFrames));
  ASSERT_EQ(info.channels, kChannels);
  for (size_t i = 0; i < kFrames; ++i) {
    for (uint32_t c = 0; c < kChannels; ++c) {
      ASSERT_EQ((*back)[c][i], x[i * kChannels + c]) << "frame " << i << " channel " << c;
    }
  }
  // sox decodes the same file on its own: integer encodings to 32-bit
  // integers (left-justified), float to floats.
  const std::string raw = tmp.path("sox.raw");
  const std::string cmd = "sox -V1 '" + path + "' -t " + (f.bits ? "s32" : "f32") + " '" + raw + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(raw, std::ios::binary);
  std::vector<int32_t> words(kFrames * kChannels);
  in.read(reinterpret_cast<char*>(words.data()), static_cast<std::streamsize>(words.size() * 4));
  ASSERT_EQ(in.gcount(), static_cast<std::streamsize>(words.size() * 4));
  for (size_t i = 0; i < words.size(); ++i) {
    if (f.bits) {
      const auto want = static_cast<int32_t>(
          std::clamp<long long>(std::llround(static_cast<double>(x[i]) * 0x1p31), INT32_MIN, INT32_MAX));
      ASSERT_EQ(words[i], want) << "sample " << i;
    } else {
      float v;
      std::memcpy(&v, &words[i], 4);
      ASSERT_EQ(v, x[i]) << "sample " << i;
    }
  }
}

TEST(SoundFile, FloatFilesKeepValuesBeyondFullScale) {
  test::TempDir tmp;
  const std::string path = tmp.path("hot.wav");
  const float v[4] = {1.5f, -2.25f, 1e-30f, 0.1f};
  {
    auto w = SoundFileWriter::create(path, SoundFileSpec{FileFormat::wav, SampleEncoding::float32, 1, 48000});
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->write_interleaved(v, 4));
  }
  auto back = read_sound_file(path, nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)[0], std::vector<float>(v, v + 4));
}

TEST(SoundFile, IntegerEncodingsClipAtFullScale) {
  test::TempDir tmp;
  const std::string path = tmp.path("clip.wav");
  const float v[3] = {1.0f, 7.0f, -3.0f};
  {
    auto w = SoundFileWriter::create(path, SoundFileSpec{FileFormat::wav, SampleEncoding::pcm16, 1, 48000});
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->write_interleaved(v, 3));
  }
  auto back = read_sound_file(path, nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)[0], (std::vector<float>{32767.0f / 32768.0f, 32767.0f / 32768.0f, -1.0f}));
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip,
                         ::testing::Values(Format{"wav", FileFormat::wav, SampleEncoding::pcm16, 16},
                                           Format{"wav", FileFormat::wav, SampleEncoding::pcm24, 24},
                                           Format{"wav", FileFormat::wav, SampleEncoding::pcm32, 32},
                                           Format{"wav", FileFormat::wav, SampleEncoding::float32, 0},
                                           Format{"aiff", FileFormat::aiff, SampleEncoding::pcm16, 16},
                                           Format{"aiff", FileFormat::aiff, SampleEncoding::pcm24, 24},
                                           Format{"aiff", FileFormat::aiff, SampleEncoding::pcm32, 32},
                                           Format{"aiff", FileFormat::aiff, SampleEncoding::float32, 0},
                                           Format{"flac", FileFormat::flac, SampleEncoding::pcm16, 16},
                                           Format{"flac", FileFormat::flac, SampleEncoding::pcm24, 24}),
                         [](const auto& p) {
                           return std::string(p.param.ext) + "_" + encoding_name(p.param.encoding);
                         });

TEST(SoundFile, FlacRefusesFloatWithAClearError) {
  test::TempDir tmp;
  auto w =
      SoundFileWriter::create(tmp.path("x.flac"), SoundFileSpec{FileFormat::flac, SampleEncoding::float32, 1, 48000});
  ASSERT_FALSE(w);
  EXPECT_NE(w.error().message.find("FLAC cannot hold float"), std::string::npos);
}

TEST(FilePlayerRecorder, PlayerThroughRecorderIsBitExactAndDropsNothingOffline) {
  // 20 s of stereo rendered offline (hundreds of times faster than real
  // time) overruns the recorder's 2 s ring many times: it must wait, not drop.
  test::TempDir tmp;
  const std::string src = tmp.path("src.wav");
  constexpr size_t kFrames = 48000 * 20;
  const auto x = test_signal(24, kFrames, 2);
  {
    auto w = SoundFileWriter::create(src, SoundFileSpec{FileFormat::wav, SampleEncoding::pcm24, 2, 48000});
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->write_interleaved(x.data(), kFrames));
  }
  const std::string dst = tmp.path("dst.flac");
  const auto out = test::render_yaml("nodes:\n  p: {type: file_player, params: {path: " + src +
                                         "}}\n  r: {type: file_recorder, params: {path: " + dst +
                                         ", encoding: pcm24}}\nconnections:\n  - p.out -> r.in\n",
                                     kFrames);
  SoundFileInfo info;
  auto back = read_sound_file(dst, &info);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(info.frames, static_cast<int64_t>(kFrames));
  for (size_t i = 0; i < kFrames; ++i) {
    ASSERT_EQ((*back)[0][i], x[2 * i]) << i;
    ASSERT_EQ((*back)[1][i], x[2 * i + 1]) << i;
  }
}

// A driver that skipped a block (an xrun) leaves a hole in the timeline: the
// recorder writes silence there, so every recorded sample stays at its time
// in the file. A jump of more than a second is a clock step: not filled.
TEST(FileRecorder, KeepsTheTimelineAcrossSkippedBlocks) {
  test::TempDir tmp;
  const std::string dst = tmp.path("rec.wav");
  const NodeRegistry registry = test::test_registry();
  const Graph g = test::load_or_fail(
      "nodes:\n  k: {type: constant, params: {value: 0.25}}\n"
      "  r: {type: file_recorder, channels: 1, params: {path: " +
          dst + ", encoding: float}}\nconnections:\n  - k.out -> r.in\n",
      registry);
  auto plan = compile(g, CompileOptions{true});
  ASSERT_TRUE(plan) << plan.error().to_string();
  Plan& p = **plan;
  const FileRecorderNode* rec = nullptr;
  for (auto& n : p.nodes) {
    ASSERT_TRUE(n->activate());
    if (auto* r = dynamic_cast<const FileRecorderNode*>(n.get())) rec = r;
  }
  ASSERT_NE(rec, nullptr);
  AudioBuffer out(p.host_output_channels, p.config.max_block);
  HostIo host;
  host.output = out.view();
  // Blocks of 64 at 0 and 64; 128 is skipped; 192, 256; then a step of 2 s.
  for (int64_t t : {0, 64, 192, 256, 256 + 96000}) run_block(p, SampleTime{t}, 64, &host);
  for (auto& n : p.nodes) n->deactivate();
  EXPECT_EQ(rec->filled_frames(), 64u);
  EXPECT_EQ(rec->discontinuities(), 1u);
  EXPECT_EQ(rec->dropped_frames(), 0u);
  EXPECT_EQ(rec->frames_recorded(), 384);
  auto back = read_sound_file(dst, nullptr);
  ASSERT_TRUE(back) << back.error().message;
  const std::vector<float>& x = (*back)[0];
  ASSERT_EQ(x.size(), 384u);
  for (size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], i >= 128 && i < 192 ? 0.0f : 0.25f) << i;
}

TEST(FilePlayer, LoopsAndRefusesAnotherSampleRate) {
  test::TempDir tmp;
  const std::string src = tmp.path("short.wav");
  {
    auto w = SoundFileWriter::create(src, SoundFileSpec{FileFormat::wav, SampleEncoding::float32, 1, 48000});
    ASSERT_TRUE(w);
    const float v[3] = {0.25f, 0.5f, 0.75f};
    ASSERT_TRUE((*w)->write_interleaved(v, 3));
  }
  const auto looped =
      test::render_yaml("nodes:\n  p: {type: file_player, params: {path: " + src +
                            ", loop: on}}\n  o: {type: output, channels: 1}\nconnections:\n  - p.out -> o.in\n",
                        8);
  EXPECT_EQ(looped[0], (std::vector<float>{0.25f, 0.5f, 0.75f, 0.25f, 0.5f, 0.75f, 0.25f, 0.5f}));
  const auto once = test::render_yaml("nodes:\n  p: {type: file_player, params: {path: " + src +
                                          "}}\n  o: {type: output, channels: 1}\nconnections:\n  - p.out -> o.in\n",
                                      5);
  EXPECT_EQ(once[0], (std::vector<float>{0.25f, 0.5f, 0.75f, 0.0f, 0.0f}));
}

}  // namespace
}  // namespace ac
