#include "dsp/sound_file.h"

#include <fcntl.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "core/file_access.h"
#include "dsp/wav_float_header.h"

namespace ac {
namespace {

Unexpected fail(const std::string& path, const std::string& what) {
  return unexpected(make_error(ErrorDomain::dsp, "'" + path + "': " + what));
}

int bits_of(SampleEncoding e) {
  switch (e) {
    case SampleEncoding::pcm16:
      return 16;
    case SampleEncoding::pcm24:
      return 24;
    case SampleEncoding::pcm32:
      return 32;
    case SampleEncoding::float32:
      return 0;
  }
  return 0;
}

int sf_format_of(const SoundFileSpec& s) {
  // WAVE_FORMAT_EXTENSIBLE where Microsoft's WAVE rules call for it (float,
  // more than 16 bits, more than 2 channels): a plain fmt chunk there makes
  // readers such as sox warn or guess the channel layout.
  const bool extensible = s.encoding != SampleEncoding::pcm16 || s.channels > 2;
  int major = extensible ? SF_FORMAT_WAVEX : SF_FORMAT_WAV;
  if (s.format == FileFormat::flac) major = SF_FORMAT_FLAC;
  if (s.format == FileFormat::aiff) major = SF_FORMAT_AIFF;
  int minor = SF_FORMAT_PCM_24;
  switch (s.encoding) {
    case SampleEncoding::pcm16:
      minor = SF_FORMAT_PCM_16;
      break;
    case SampleEncoding::pcm24:
      minor = SF_FORMAT_PCM_24;
      break;
    case SampleEncoding::pcm32:
      minor = SF_FORMAT_PCM_32;
      break;
    case SampleEncoding::float32:
      minor = SF_FORMAT_FLOAT;
      break;
  }
  return major | minor;
}

// Float → left-justified int32 with the symmetric 2^(bits-1) scale, rounded
// to nearest (halves away from zero), clipped to the integer range. The
// product is exact in double (24-bit mantissa times a power of two).
void to_int(const float* in, int32_t* out, size_t n, int bits) {
  const double scale = static_cast<double>(int64_t{1} << (bits - 1));
  const double lo = -scale, hi = scale - 1.0;
  const int shift = 32 - bits;
  for (size_t i = 0; i < n; ++i) {
    double v = static_cast<double>(in[i]) * scale;
    v = v < lo ? lo : (v > hi ? hi : v);
    const auto r = static_cast<int64_t>(v < 0.0 ? v - 0.5 : v + 0.5);
    out[i] = static_cast<int32_t>(static_cast<uint32_t>(r) << shift);
  }
}

bool is_float_subformat(int format) {
  const int sub = format & SF_FORMAT_SUBMASK;
  return sub == SF_FORMAT_FLOAT || sub == SF_FORMAT_DOUBLE;
}

}  // namespace

Expected<FileFormat> file_format_from_name(const std::string& name) {
  if (name == "wav") return FileFormat::wav;
  if (name == "flac") return FileFormat::flac;
  if (name == "aiff" || name == "aif") return FileFormat::aiff;
  return unexpected(make_error(ErrorDomain::dsp, "unknown file format '" + name + "' (expected wav, flac or aiff)"));
}

Expected<FileFormat> file_format_from_path(const std::string& path) {
  const size_t dot = path.rfind('.');
  std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext.empty()) {
    return unexpected(
        make_error(ErrorDomain::dsp, "'" + path + "' has no extension; name the format (wav, flac, aiff)"));
  }
  return file_format_from_name(ext);
}

Expected<SampleEncoding> encoding_from_name(const std::string& name) {
  if (name == "pcm16") return SampleEncoding::pcm16;
  if (name == "pcm24") return SampleEncoding::pcm24;
  if (name == "pcm32") return SampleEncoding::pcm32;
  if (name == "float") return SampleEncoding::float32;
  return unexpected(
      make_error(ErrorDomain::dsp, "unknown sample encoding '" + name + "' (expected pcm16, pcm24, pcm32 or float)"));
}

const char* encoding_name(SampleEncoding e) {
  switch (e) {
    case SampleEncoding::pcm16:
      return "pcm16";
    case SampleEncoding::pcm24:
      return "pcm24";
    case SampleEncoding::pcm32:
      return "pcm32";
    case SampleEncoding::float32:
      return "float";
  }
  return "?";
}

bool format_supports(FileFormat f, SampleEncoding e) {
  return f != FileFormat::flac || e == SampleEncoding::pcm16 || e == SampleEncoding::pcm24;
}

// Files are opened through core/file_access.h, so a confined root holds.
static Expected<SNDFILE*> open_sound_file(const std::string& path, int mode, SF_INFO& info, const char* verb) {
  auto fd = open_file(path, mode == SFM_WRITE ? O_WRONLY | O_CREAT | O_TRUNC : O_RDONLY);
  if (!fd) {
    std::string why = fd.error().message;
    const std::string prefix = "'" + path + "': ";
    if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
    return fail(path, std::string("cannot ") + verb + ": " + why);
  }
  SNDFILE* f = sf_open_fd(*fd, mode, &info, SF_TRUE);
  if (!f) {
    close(*fd);
    return fail(path, std::string("cannot ") + verb + ": " + sf_strerror(nullptr));
  }
  return f;
}

Expected<SoundFileInfo> probe_sound_file(const std::string& path) {
  SF_INFO info{};
  auto opened = open_sound_file(path, SFM_READ, info, "open");
  if (!opened) return unexpected(opened.error());
  SNDFILE* f = *opened;
  sf_close(f);
  return SoundFileInfo{static_cast<uint32_t>(info.channels), static_cast<uint32_t>(info.samplerate), info.frames};
}

Expected<std::vector<std::vector<float>>> read_sound_file(const std::string& path, SoundFileInfo* out_info) {
  SF_INFO info{};
  auto opened = open_sound_file(path, SFM_READ, info, "open");
  if (!opened) return unexpected(opened.error());
  SNDFILE* f = *opened;
  const auto channels = static_cast<size_t>(info.channels);
  const auto frames = static_cast<size_t>(info.frames);
  std::vector<std::vector<float>> out(channels, std::vector<float>(frames));
  const bool as_float = is_float_subformat(info.format);
  std::vector<float> fbuf;
  std::vector<int32_t> ibuf;
  constexpr size_t kChunk = 8192;
  size_t done = 0;
  while (done < frames) {
    const size_t want = std::min(kChunk, frames - done);
    sf_count_t got = 0;
    if (as_float) {
      fbuf.resize(want * channels);
      got = sf_readf_float(f, fbuf.data(), static_cast<sf_count_t>(want));
    } else {
      ibuf.resize(want * channels);
      got = sf_readf_int(f, ibuf.data(), static_cast<sf_count_t>(want));
    }
    if (got <= 0) break;
    for (size_t i = 0; i < static_cast<size_t>(got); ++i) {
      for (size_t c = 0; c < channels; ++c) {
        out[c][done + i] = as_float ? fbuf[i * channels + c]
                                    : static_cast<float>(static_cast<double>(ibuf[i * channels + c]) * 0x1p-31);
      }
    }
    done += static_cast<size_t>(got);
  }
  sf_close(f);
  if (done != frames) return fail(path, "file is shorter than its header says");
  if (out_info)
    *out_info =
        SoundFileInfo{static_cast<uint32_t>(info.channels), static_cast<uint32_t>(info.samplerate), info.frames};
  return out;
}

Expected<std::unique_ptr<SoundFileWriter>> SoundFileWriter::create_float_wav(const std::string& path,
                                                                             const SoundFileSpec& spec) {
  static_assert(std::endian::native == std::endian::little, "float WAV data is written as the host stores it");
  auto fd = open_file(path, O_WRONLY | O_CREAT | O_TRUNC);
  if (!fd) return fail(path, "cannot create: " + fd.error().message);
  std::unique_ptr<SoundFileWriter> w(new SoundFileWriter());
  w->raw_fd_ = *fd;
  w->spec_ = spec;
  w->path_ = path;
  const auto header = wav_float_header(spec.channels, spec.sample_rate, 0);  // sizes filled in by close()
  if (::write(*fd, header.data(), header.size()) != static_cast<ssize_t>(header.size()))
    return fail(path, std::string("write failed: ") + std::strerror(errno));
  return w;
}

Expected<std::unique_ptr<SoundFileWriter>> SoundFileWriter::create(const std::string& path, const SoundFileSpec& spec) {
  if (!format_supports(spec.format, spec.encoding)) {
    return fail(path,
                std::string("FLAC cannot hold ") + encoding_name(spec.encoding) + " samples (use pcm16 or pcm24)");
  }
  SF_INFO info{};
  info.channels = static_cast<int>(spec.channels);
  info.samplerate = static_cast<int>(spec.sample_rate);
  info.format = sf_format_of(spec);
  if (!sf_format_check(&info)) return fail(path, "libsndfile rejects this format/encoding/channel combination");
  if (spec.format == FileFormat::wav && spec.encoding == SampleEncoding::float32) return create_float_wav(path, spec);
  auto opened = open_sound_file(path, SFM_WRITE, info, "create");
  if (!opened) return unexpected(opened.error());
  SNDFILE* f = *opened;
  std::unique_ptr<SoundFileWriter> w(new SoundFileWriter());
  w->handle_ = f;
  w->spec_ = spec;
  w->path_ = path;
  return w;
}

SoundFileWriter::~SoundFileWriter() {
  (void)close();
}

Expected<void> SoundFileWriter::write_interleaved(const float* samples, int64_t frames) {
  if (!handle_ && raw_fd_ < 0) return fail(path_, "write after close");
  const size_t ch = spec_.channels;
  if (staged_.empty()) staged_.resize(kChunkFrames * ch);
  auto left = static_cast<size_t>(frames);
  while (left > 0) {
    const size_t n = std::min(left, kChunkFrames - staged_frames_);
    std::copy(samples, samples + n * ch, staged_.data() + staged_frames_ * ch);
    staged_frames_ += n;
    samples += n * ch;
    left -= n;
    if (staged_frames_ == kChunkFrames) {
      if (auto ok = flush(); !ok) return ok;
    }
  }
  frames_ += frames;
  return {};
}

Expected<void> SoundFileWriter::flush() {
  auto* f = static_cast<SNDFILE*>(handle_);
  if (staged_frames_ == 0) return {};
  if (raw_fd_ >= 0) return flush_raw();
  const auto frames = static_cast<sf_count_t>(staged_frames_);
  staged_frames_ = 0;
  const int bits = bits_of(spec_.encoding);
  sf_count_t wrote = 0;
  if (bits == 0) {
    wrote = sf_writef_float(f, staged_.data(), frames);
  } else {
    const size_t n = static_cast<size_t>(frames) * spec_.channels;
    if (scratch_.size() < n) scratch_.resize(n);
    to_int(staged_.data(), scratch_.data(), n, bits);
    wrote = sf_writef_int(f, scratch_.data(), frames);
  }
  if (wrote != frames) return fail(path_, std::string("write failed: ") + sf_strerror(f));
  return {};
}

Expected<void> SoundFileWriter::flush_raw() {
  const char* p = reinterpret_cast<const char*>(staged_.data());
  size_t left = staged_frames_ * spec_.channels * sizeof(float);
  staged_frames_ = 0;
  while (left > 0) {
    const ssize_t n = ::write(raw_fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(path_, std::string("write failed: ") + std::strerror(errno));
    p += n;
    left -= static_cast<size_t>(n);
  }
  return {};
}

Expected<void> SoundFileWriter::close_raw() {
  auto flushed = flush();
  const int fd = raw_fd_;
  raw_fd_ = -1;
  if (flushed && static_cast<uint64_t>(frames_) > wav_float_max_frames(spec_.channels))
    flushed = fail(path_, "longer than a WAV file can hold (4 GiB); write FLAC or split the render");
  const auto header = wav_float_header(spec_.channels, spec_.sample_rate, static_cast<uint64_t>(frames_));
  if (flushed && ::pwrite(fd, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size()))
    flushed = fail(path_, std::string("write failed: ") + std::strerror(errno));
  if (::close(fd) != 0 && flushed) return fail(path_, "closing failed");
  return flushed;
}

Expected<void> SoundFileWriter::close() {
  if (raw_fd_ >= 0) return close_raw();
  auto* f = static_cast<SNDFILE*>(handle_);
  if (!f) return {};
  auto flushed = flush();
  handle_ = nullptr;
  if (sf_close(f) != 0) return fail(path_, "closing failed");
  return flushed;
}

}  // namespace ac
