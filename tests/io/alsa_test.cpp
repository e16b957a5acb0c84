// The ALSA driver: its decisions (configuration, xrun recovery, sample
// conversion) as pure functions, then the whole driver through real
// alsa-lib with its `file` and `null` plugins, which need no sound card.
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#include "dsp/sound_file.h"
#include "io/alsa_config.h"
#include "render_helpers.h"
#include "run_command.h"

namespace ac {
namespace {

AlsaCapabilities typical_card() {
  AlsaCapabilities c;
  c.rate_min = 44100;
  c.rate_max = 192000;
  c.channels_min = c.channels_max = 2;
  c.period_min = 32;
  c.period_max = 8192;
  c.buffer_min = 64;
  c.buffer_max = 16384;
  c.formats = {AlsaFormat::s16_le, AlsaFormat::s32_le};
  c.mmap_interleaved = true;
  c.rw_interleaved = true;
  return c;
}

TEST(AlsaConfig, PicksTheWidestFormatMmapAndTheRequestedPeriod) {
  AlsaRequest r;
  r.device = "hw:0";
  auto c = choose_alsa_config(r, typical_card());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->format, AlsaFormat::s32_le);
  EXPECT_EQ(c->access, AlsaAccess::mmap_interleaved);
  EXPECT_EQ(c->period, 64u);
  EXPECT_EQ(c->buffer, 128u);
  EXPECT_EQ(c->describe(), "48000 Hz, 2 ch, S32_LE, mmap, period 64, buffer 128");
}

TEST(AlsaConfig, FloatIsPreferredAndReadWriteIsTheFallback) {
  AlsaCapabilities caps = typical_card();
  caps.formats.push_back(AlsaFormat::float32_le);
  caps.mmap_interleaved = false;
  auto c = choose_alsa_config(AlsaRequest{}, caps);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->format, AlsaFormat::float32_le);
  EXPECT_EQ(c->access, AlsaAccess::rw_interleaved);
}

TEST(AlsaConfig, PeriodAndBufferAreClampedToTheDevice) {
  AlsaCapabilities caps = typical_card();
  caps.period_min = 256;
  AlsaRequest r;
  r.periods = 3;
  auto c = choose_alsa_config(r, caps);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->period, 256u);
  EXPECT_EQ(c->buffer, 768u);
  caps = typical_card();
  caps.buffer_max = 96;  // smaller than two periods of 64
  c = choose_alsa_config(AlsaRequest{}, caps);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->buffer, 96u);
  EXPECT_EQ(c->period, 64u);
  caps.buffer_min = 32;
  caps.buffer_max = 48;  // not even one period: the period shrinks to the buffer
  c = choose_alsa_config(AlsaRequest{}, caps);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->buffer, 48u);
  EXPECT_EQ(c->period, 48u);
  caps.buffer_min = 100;  // an empty range
  EXPECT_FALSE(choose_alsa_config(AlsaRequest{}, caps));
}

TEST(AlsaConfig, ErrorsNameTheDeviceAndWhatItAccepts) {
  AlsaCapabilities caps = typical_card();
  caps.rate_min = caps.rate_max = 44100;
  AlsaRequest r;
  r.device = "hw:1";
  auto c = choose_alsa_config(r, caps);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message,
            "ALSA playback device 'hw:1': cannot run at 48000 Hz (it offers 44100 Hz); use a plughw: device to "
            "resample");
  caps = typical_card();
  r.channels = 6;
  r.capture = true;
  c = choose_alsa_config(r, caps);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message,
            "ALSA capture device 'hw:1': has 2 channels, the graph uses 6; use a plughw: device to remap");
  caps.formats.clear();
  r.channels = 2;
  c = choose_alsa_config(r, caps);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("offers none of FLOAT_LE, S32_LE, S24_3LE, S16_LE"), std::string::npos);
  caps = typical_card();
  caps.mmap_interleaved = caps.rw_interleaved = false;
  c = choose_alsa_config(r, caps);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("no interleaved access"), std::string::npos);
}

TEST(AlsaRecovery, XrunsPrepareSuspendsResumeTransientsRetry) {
  AlsaRecovery rec;
  EXPECT_EQ(rec.on_error(-EPIPE), AlsaAction::prepare);
  rec.on_success();
  EXPECT_EQ(rec.on_error(-EPIPE), AlsaAction::prepare);
  rec.on_success();
  EXPECT_EQ(rec.xruns(), 2u);
  EXPECT_EQ(rec.on_error(-ESTRPIPE), AlsaAction::resume);
  EXPECT_EQ(rec.suspends(), 1u);
  EXPECT_EQ(rec.on_error(-EAGAIN), AlsaAction::retry);
  EXPECT_EQ(rec.on_error(-EINTR), AlsaAction::retry);
  EXPECT_EQ(rec.on_error(-EBADFD), AlsaAction::prepare);
  EXPECT_TRUE(rec.failure().empty());
}

TEST(AlsaRecovery, AVanishedDeviceFailsAtOnce) {
  AlsaRecovery rec;
  EXPECT_EQ(rec.on_error(-ENODEV), AlsaAction::fail);
  EXPECT_EQ(rec.failure(), "the device was disconnected");
  AlsaRecovery other;
  EXPECT_EQ(other.on_error(-EIO), AlsaAction::fail);
  EXPECT_EQ(other.failure(), std::string("unrecoverable error: ") + std::strerror(EIO));
}

TEST(AlsaRecovery, ADeviceThatKeepsFailingIsGivenUp) {
  AlsaRecovery rec;
  for (uint32_t i = 0; i < AlsaRecovery::kMaxConsecutive; ++i) EXPECT_EQ(rec.on_error(-EPIPE), AlsaAction::prepare);
  EXPECT_EQ(rec.on_error(-EPIPE), AlsaAction::fail);
  EXPECT_NE(rec.failure().find("keeps failing"), std::string::npos);
  // A success in between starts the count again.
  AlsaRecovery ok;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(ok.on_error(-EPIPE), AlsaAction::prepare);
    ok.on_success();
  }
  EXPECT_EQ(ok.xruns(), 100u);
}

std::vector<uint8_t> write_one(AlsaFormat f, float x) {
  std::vector<uint8_t> out(alsa_format_bytes(f));
  const float* ch[1] = {&x};
  alsa_write_samples(f, ch, 1, 1, out.data());
  return out;
}

TEST(AlsaSamples, IntegerFormatsAreSymmetricClampedAndLittleEndian) {
  EXPECT_EQ(write_one(AlsaFormat::s16_le, 1.0f), (std::vector<uint8_t>{0xFF, 0x7F}));
  EXPECT_EQ(write_one(AlsaFormat::s16_le, -1.0f), (std::vector<uint8_t>{0x01, 0x80}));
  EXPECT_EQ(write_one(AlsaFormat::s16_le, 3.0f), (std::vector<uint8_t>{0xFF, 0x7F}));
  EXPECT_EQ(write_one(AlsaFormat::s16_le, -3.0f), (std::vector<uint8_t>{0x00, 0x80}));
  EXPECT_EQ(write_one(AlsaFormat::s16_le, 0.5f), (std::vector<uint8_t>{0x00, 0x40}));  // 16383.5 rounds to even
  EXPECT_EQ(write_one(AlsaFormat::s24_3le, 1.0f), (std::vector<uint8_t>{0xFF, 0xFF, 0x7F}));
  EXPECT_EQ(write_one(AlsaFormat::s24_3le, -1.0f), (std::vector<uint8_t>{0x01, 0x00, 0x80}));
  EXPECT_EQ(write_one(AlsaFormat::s32_le, -1.0f), (std::vector<uint8_t>{0x01, 0x00, 0x00, 0x80}));
  EXPECT_EQ(write_one(AlsaFormat::float32_le, 0.25f), (std::vector<uint8_t>{0x00, 0x00, 0x80, 0x3E}));
}

TEST(AlsaSamples, EverySixteenBitValueSurvivesARoundTrip) {
  std::vector<int16_t> in(65536);
  for (int i = 0; i < 65536; ++i) in[static_cast<size_t>(i)] = static_cast<int16_t>(i - 32768);
  std::vector<float> f(65536);
  float* dst[1] = {f.data()};
  alsa_read_samples(AlsaFormat::s16_le, in.data(), 1, 65536, dst);
  std::vector<int16_t> back(65536);
  const float* src[1] = {f.data()};
  alsa_write_samples(AlsaFormat::s16_le, src, 1, 65536, back.data());
  EXPECT_EQ(back, in);
  // And interleaving: two channels alternate in the buffer.
  const float l[2] = {0.0f, 1.0f}, r[2] = {-1.0f, 0.0f};
  const float* lr[2] = {l, r};
  int16_t inter[4];
  alsa_write_samples(AlsaFormat::s16_le, lr, 2, 2, inter);
  EXPECT_EQ(std::vector<int16_t>(inter, inter + 4), (std::vector<int16_t>{0, -32767, 32767, 0}));
}

const std::string kBinary = AUDIOCLOUD_BINARY;

std::vector<float> read_floats(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> out(bytes.size() / 4);
  std::memcpy(out.data(), bytes.data(), out.size() * 4);
  return out;
}

// Playback through alsa-lib's `file` plugin (over `null`): what the driver
// hands the device is the graph's output, sample for sample, after the
// buffer of silence it primes the device with.
TEST(AlsaDriver, PlaybackReachesTheDeviceBitExact) {
  test::TempDir tmp;
  const std::string body =
      "nodes:\n  s: {type: sine, params: {frequency: 997, level: -6}}\n"
      "  w: {type: saw, params: {frequency: 110, level: -12}}\n";
  const std::string conns = "connections:\n  - s.out -> o.in[0]\n  - w.out -> o.in[1]\n";
  const std::string yaml = body + "  o: {type: alsa.out, channels: 2, params: {device: \"file:'" + tmp.path("out.raw") +
                           "',raw\"}}\n" + conns;
  std::ofstream(tmp.path("g.yaml")) << yaml;
  const auto run =
      test::run_command(kBinary + " run " + tmp.path("g.yaml") + " --driver alsa --duration 1s < /dev/null");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("ALSA playback file:"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("FLOAT_LE, mmap, period 64, buffer 128"), std::string::npos) << run.output;

  const auto raw = read_floats(tmp.path("out.raw"));
  const test::Channels want = test::render_yaml(body + "  o: {type: output, channels: 2}\n" + conns, 48000, 64);
  ASSERT_EQ(raw.size(), 2u * (128 + 48000));
  for (size_t i = 0; i < 2 * 128; ++i) ASSERT_EQ(raw[i], 0.0f) << "priming frame " << i / 2;
  size_t mismatches = 0;
  for (size_t n = 0; n < 48000; ++n) {
    for (size_t c = 0; c < 2; ++c) mismatches += raw[2 * (128 + n) + c] != want[c][n];
  }
  EXPECT_EQ(mismatches, 0u);
}

// Capture through the `file` plugin's input file, configured in an
// .asoundrc of the test's own (HOME points at it): the recording holds the
// file's samples exactly.
TEST(AlsaDriver, CaptureDeliversTheDeviceSamplesExactly) {
  test::TempDir tmp;
  std::vector<float> in(48000);
  for (size_t i = 0; i < in.size(); ++i) in[i] = 0.5f * std::sin(0.0575f * static_cast<float>(i));
  std::ofstream(tmp.path("in.raw"), std::ios::binary)
      .write(reinterpret_cast<const char*>(in.data()), static_cast<std::streamsize>(in.size() * 4));
  std::ofstream(tmp.path(".asoundrc")) << "pcm.actest { type file\n slave.pcm null\n file \"/dev/null\"\n infile \""
                                       << tmp.path("in.raw") << "\"\n format raw\n}\n";
  std::ofstream(tmp.path("g.yaml")) << "nodes:\n  i: {type: alsa.in, channels: 1, params: {device: actest}}\n"
                                       "  r: {type: file_recorder, channels: 1, params: {path: rec.wav, encoding: "
                                       "float}}\nconnections:\n  - i.out -> r.in\n";
  const auto run = test::run_command("HOME=" + tmp.dir() + " " + kBinary + " run " + tmp.path("g.yaml") +
                                     " --driver alsa --duration 0.5s < /dev/null");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto rec = read_sound_file(tmp.path("rec.wav"), nullptr);
  ASSERT_TRUE(rec) << rec.error().message;
  ASSERT_EQ((*rec)[0].size(), 24000u);
  EXPECT_EQ((*rec)[0], std::vector<float>(in.begin(), in.begin() + 24000));
}

// A running device is not reopened: a patch that needs more channels than
// it runs is refused with the reason, and the graph plays on; other
// patches still apply.
TEST(AlsaDriver, APatchNeedingMoreChannelsIsRefused) {
  test::TempDir tmp;
  // The null device takes periods as fast as they come (hundreds of times
  // real time): the patches wait on stdin from the start, and the run is
  // long enough in audio time to read them.
  std::ofstream(tmp.path(".asoundrc"))
      << "pcm.acout { type file\n slave.pcm null\n file \"/dev/null\"\n format raw\n}\n";
  std::ofstream(tmp.path("g.yaml")) << "nodes:\n  s: {type: sine}\n"
                                       "  o: {type: alsa.out, channels: 1, params: {device: acout}}\n"
                                       "connections:\n  - s.out -> o.in\n";
  const std::string wider =
      "{replace: {o: {type: alsa.out, channels: 2, params: {device: acout}}}, disconnect: [\"s.out -> o.in\"], "
      "connect: [\"s.out[0,0] -> o.in\"]}";
  const auto run = test::run_command("printf '%s\\n{set: {s.level: -12}}\\n' '" + wider + "' | HOME=" + tmp.dir() +
                                     " " + kBinary + " run " + tmp.path("g.yaml") + " --driver alsa --duration 600s");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("patch 1 rejected: error: this patch needs 2 ALSA playback channels, but the device "
                            "runs 1 (a running device is not reopened"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("patch 2 applied"), std::string::npos) << run.output;
}

TEST(AlsaDriver, AMissingDeviceIsAClearError) {
  test::TempDir tmp;
  std::ofstream(tmp.path("g.yaml")) << "nodes:\n  s: {type: sine}\n  o: {type: alsa.out, channels: 1, params: "
                                       "{device: \"hw:97\"}}\nconnections:\n  - s.out -> o.in\n";
  const auto run = test::run_command(kBinary + " run " + tmp.path("g.yaml") + " --driver alsa < /dev/null");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("error: ALSA playback device 'hw:97': cannot open"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("ALSA lib"), std::string::npos) << "alsa-lib's own noise leaked: " << run.output;
}

}  // namespace
}  // namespace ac
