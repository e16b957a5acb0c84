#include "osc/osc_message.h"

#include <lo/lo.h>
#include <lo/lo_lowlevel.h>

#include <cstring>

namespace ac {
namespace {

// liblo hands out arguments at 4-byte offsets into the message, while its
// lo_arg union asks for 8: read them by copying bytes, never through the
// union's members.
template <typename T>
T arg_as(const lo_arg* arg) {
  T v;
  std::memcpy(&v, arg, sizeof v);
  return v;
}

OscArg convert(char type, const lo_arg* a) {
  OscArg out;
  out.type = type;
  switch (type) {
    case LO_INT32:
      out.integer = arg_as<int32_t>(a);
      break;
    case LO_INT64:
      out.integer = arg_as<int64_t>(a);
      break;
    case LO_CHAR:
      out.integer = static_cast<unsigned char>(arg_as<int32_t>(a));
      break;
    case LO_FLOAT:
      out.number = arg_as<float>(a);
      break;
    case LO_DOUBLE:
      out.number = arg_as<double>(a);
      break;
    case LO_STRING:
    case LO_SYMBOL:
      out.text = reinterpret_cast<const char*>(a);
      break;
    case LO_MIDI:
      std::memcpy(out.midi.data(), a, 4);
      break;
    case LO_BLOB: {
      const auto size = static_cast<uint32_t>(lo_blob_datasize(const_cast<lo_blob>(reinterpret_cast<const void*>(a))));
      const auto* data =
          static_cast<const uint8_t*>(lo_blob_dataptr(const_cast<lo_blob>(reinterpret_cast<const void*>(a))));
      out.blob.assign(data, data + size);
      break;
    }
    case LO_TIMETAG: {
      const auto t = arg_as<lo_timetag>(a);
      out.integer = (int64_t{t.sec} << 32) | t.frac;
      break;
    }
    default:
      break;  // T F N I carry no data
  }
  return out;
}

}  // namespace

std::optional<double> OscArg::as_number() const {
  switch (type) {
    case LO_INT32:
    case LO_INT64:
      return static_cast<double>(integer);
    case LO_FLOAT:
    case LO_DOUBLE:
      return number;
    default:
      return std::nullopt;
  }
}

std::optional<RealtimeNanos> osc_timetag_to_realtime(uint32_t seconds, uint32_t fraction) {
  if (seconds == 0 && fraction == 1) return std::nullopt;
  constexpr int64_t kNtpToUnix = 2208988800LL;  // seconds from 1900 to 1970
  return RealtimeNanos{(static_cast<int64_t>(seconds) - kNtpToUnix) * 1000000000LL +
                       static_cast<int64_t>((static_cast<uint64_t>(fraction) * 1000000000ULL) >> 32)};
}

OscMessage osc_message_from_liblo(const char* path, const char* types, void** argv, int argc, void* message) {
  OscMessage m;
  m.path = path ? path : "";
  auto* args = reinterpret_cast<lo_arg**>(argv);
  for (int i = 0; i < argc; ++i) m.args.push_back(convert(types[i], args[i]));
  if (message) {
    const lo_timetag tt = lo_message_get_timestamp(static_cast<lo_message>(message));
    m.at = osc_timetag_to_realtime(tt.sec, tt.frac);
  }
  return m;
}

Expected<OscMessage> decode_osc_message(std::span<const uint8_t> bytes) {
  if (bytes.empty() || bytes[0] != '/')
    return unexpected(make_error(ErrorDomain::osc, "not an OSC message (it must start with '/')"));
  int result = 0;
  lo_message msg = lo_message_deserialise(const_cast<uint8_t*>(bytes.data()), bytes.size(), &result);
  if (!msg)
    return unexpected(
        make_error(ErrorDomain::osc, "malformed OSC message (liblo error " + std::to_string(result) + ")"));
  const char* path = reinterpret_cast<const char*>(bytes.data());
  const char* types = lo_message_get_types(msg);
  const int argc = lo_message_get_argc(msg);
  lo_arg** argv = lo_message_get_argv(msg);
  OscMessage m = osc_message_from_liblo(path, types, reinterpret_cast<void**>(argv), argc, nullptr);
  lo_message_free(msg);
  return m;
}

}  // namespace ac
