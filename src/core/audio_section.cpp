#include "core/audio_section.h"

namespace ac {
namespace {
thread_local int t_depth = 0;
}

bool in_audio_section() noexcept {
  return t_depth > 0;
}
AudioSection::AudioSection() noexcept {
  ++t_depth;
}
AudioSection::~AudioSection() {
  --t_depth;
}
AudioSectionPause::AudioSectionPause() noexcept : saved_(t_depth) {
  t_depth = 0;
}
AudioSectionPause::~AudioSectionPause() {
  t_depth = saved_;
}

}  // namespace ac
