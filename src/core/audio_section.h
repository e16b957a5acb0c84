#pragma once
// Marks the stretch of a thread that runs a block. Production code pays one
// thread-local increment; the real-time guard in the test binaries reads the
// mark to fail any allocation, free or lock made inside it
// (docs/architecture.md, principle 3).
namespace ac {

// [any] True while the calling thread is inside an AudioSection.
bool in_audio_section() noexcept;

class AudioSection {
 public:
  AudioSection() noexcept;
  ~AudioSection();
  AudioSection(const AudioSection&) = delete;
  AudioSection& operator=(const AudioSection&) = delete;
};

// [any] Lets code inside an AudioSection do something that would otherwise be
// flagged, for work that is known not to run on a real audio thread (an
// offline driver waiting for a disk writer). Never used on a real-time path.
class AudioSectionPause {
 public:
  AudioSectionPause() noexcept;
  ~AudioSectionPause();
  AudioSectionPause(const AudioSectionPause&) = delete;
  AudioSectionPause& operator=(const AudioSectionPause&) = delete;

 private:
  int saved_;
};

}  // namespace ac
