// `file_player`: plays a sound file (WAV, FLAC, AIFF ...) from its start,
// once or looped. The file is read whole into memory when the graph is
// compiled, so the audio thread never touches the disk.
#include <cstring>

#include "core/decibels.h"
#include "dsp/builtin_nodes.h"
#include "dsp/node_type_helpers.h"
#include "dsp/sound_file.h"

namespace ac {
namespace {

enum : ParamId { kLevel };

class FilePlayerNode final : public Node {
 public:
  FilePlayerNode(const NodeOptions& o, const NodeLayout& l)
      : Node(l.params), path_(o.text("path")), loop_(o.text("loop") == "on") {}
  Expected<void> prepare(const StreamConfig& c) override {
    SoundFileInfo info;
    auto data = read_sound_file(path_, &info);
    if (!data) return unexpected(data.error());
    if (info.sample_rate != static_cast<uint32_t>(c.sample_rate)) {
      return unexpected(make_error(ErrorDomain::dsp, "'" + path_ + "' is " + std::to_string(info.sample_rate) +
                                                         " Hz but the graph runs at " +
                                                         std::to_string(static_cast<uint32_t>(c.sample_rate)) +
                                                         " Hz (convert it first, e.g. with sox)"));
    }
    samples_ = std::move(*data);
    length_ = static_cast<size_t>(info.frames);
    return {};
  }
  void reset() noexcept override { pos_ = 0; }
  void process(ProcessContext& ctx) noexcept override {
    const AudioView& out = ctx.out(0);
    SmoothedParam& l = param(kLevel);
    for (FrameCount i = 0; i < ctx.frames; ++i) {
      const float g = db_to_gain(l.next());
      if (pos_ >= length_ && loop_ && length_ > 0) pos_ = 0;
      const bool playing = pos_ < length_;
      for (uint32_t c = 0; c < out.channel_count; ++c) out.channel(c)[i] = playing ? g * samples_[c][pos_] : 0.0f;
      if (playing) ++pos_;
    }
  }

 private:
  std::string path_;
  bool loop_;
  std::vector<std::vector<float>> samples_;
  size_t length_ = 0;
  size_t pos_ = 0;
};

}  // namespace

NodeType file_player_node_type() {
  NodeType t;
  t.name = "file_player";
  t.summary = "plays a sound file (read into memory at start); channels follow the file";
  t.options = {path_param("path", "the file to play (relative to the graph file)"),
               choice_param("loop", {"off", "on"}, "off", "start again at the end")};
  t.layout = [](const NodeOptions& o) -> Expected<NodeLayout> {
    auto info = probe_sound_file(o.text("path"));
    if (!info) return unexpected(info.error());
    return NodeLayout{{}, {{"out", info->channels}}, {level_param(0.0)}};
  };
  t.create = make_node<FilePlayerNode>;
  return t;
}

}  // namespace ac
