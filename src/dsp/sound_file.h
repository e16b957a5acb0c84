#pragma once
// Reading and writing audio files through libsndfile: WAV, FLAC and AIFF at
// 16/24/32-bit integer or 32-bit float. Integer samples are converted with
// one symmetric scale, 2^(bits-1), both ways, so a value k / 2^(bits-1)
// written and read back is the same float bit for bit (libsndfile's own float
// API scales by 0x7FFF one way and 0x8000 the other). +1.0 clips to the
// largest integer. No dither.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/expected.h"

namespace ac {

enum class FileFormat : uint8_t { wav, flac, aiff };
enum class SampleEncoding : uint8_t { pcm16, pcm24, pcm32, float32 };

struct SoundFileSpec {
  FileFormat format = FileFormat::wav;
  SampleEncoding encoding = SampleEncoding::pcm24;
  uint32_t channels = 2;
  uint32_t sample_rate = 48000;
};

// "wav" → FileFormat::wav by name or by a path's extension.
Expected<FileFormat> file_format_from_name(const std::string& name);
Expected<FileFormat> file_format_from_path(const std::string& path);
Expected<SampleEncoding> encoding_from_name(const std::string& name);
const char* encoding_name(SampleEncoding e);

// Whether the container can hold the encoding (FLAC holds no float or 32-bit).
bool format_supports(FileFormat f, SampleEncoding e);

struct SoundFileInfo {
  uint32_t channels = 0;
  uint32_t sample_rate = 0;
  int64_t frames = 0;
};

// [control] Header of an existing file.
Expected<SoundFileInfo> probe_sound_file(const std::string& path);

// [control] Whole file, de-interleaved: result[channel][frame].
Expected<std::vector<std::vector<float>>> read_sound_file(const std::string& path, SoundFileInfo* info);

class SoundFileWriter {
 public:
  static constexpr size_t kChunkFrames = 16384;

  // [control] Creates (truncates) the file.
  static Expected<std::unique_ptr<SoundFileWriter>> create(const std::string& path, const SoundFileSpec& spec);
  ~SoundFileWriter();
  SoundFileWriter(const SoundFileWriter&) = delete;
  SoundFileWriter& operator=(const SoundFileWriter&) = delete;

  // [control or a writer thread] Appends interleaved frames (staged, written
  // in chunks of kChunkFrames). Blocking I/O: never on an audio thread.
  Expected<void> write_interleaved(const float* samples, int64_t frames);
  // [control] Finalises the header and closes; later writes fail.
  Expected<void> close();
  int64_t frames_written() const { return frames_; }
  const SoundFileSpec& spec() const { return spec_; }

 private:
  SoundFileWriter() = default;
  void* handle_ = nullptr;  // SNDFILE*
  int raw_fd_ = -1;         // a float WAV, written without libsndfile (wav_float_header.h)
  SoundFileSpec spec_;
  std::string path_;
  // Frames are staged and handed to libsndfile in large chunks: it issues
  // one write() per call, and per-block calls cost more in system time than
  // the whole conversion.
  Expected<void> flush();
  static Expected<std::unique_ptr<SoundFileWriter>> create_float_wav(const std::string& path,
                                                                     const SoundFileSpec& spec);
  Expected<void> flush_raw();
  Expected<void> close_raw();
  std::vector<float> staged_;
  size_t staged_frames_ = 0;
  std::vector<int32_t> scratch_;
  int64_t frames_ = 0;
};

}  // namespace ac
