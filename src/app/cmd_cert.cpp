// `audiocloud cert ca` and `audiocloud cert node NAME`: the node fabric's
// certificates (src/net/certificates.h), with what to do next.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "net/certificates.h"

namespace ac {

int run_cert(const CertArgs& args, bool node) {
  // A folder that does not exist yet is made, readable by its owner only
  // (it will hold private keys).
  std::error_code ec;
  if (!std::filesystem::exists(args.out_dir, ec)) {
    if (!std::filesystem::create_directories(args.out_dir, ec)) {
      std::cerr << "error: cannot make the folder " << args.out_dir << ": " << ec.message() << "\n";
      return kExitIo;
    }
    std::filesystem::permissions(args.out_dir, std::filesystem::perms::owner_all, ec);
  }
  const int days = args.days > 0 ? args.days : node ? 825 : 3650;
  auto files =
      node ? net::make_node_certificate(args.out_dir, args.name, args.ca_dir.empty() ? args.out_dir : args.ca_dir, days)
           : net::make_ca(args.out_dir, args.name.empty() ? "audiocloud cluster CA" : args.name, days);
  if (!files) {
    std::cerr << "error: " << files.error().message << "\n";
    return files.error().domain == ErrorDomain::io ? kExitIo : kExitBadInput;
  }
  std::printf("wrote %s (valid %d days) and %s (the private key: keep it secret)\n", files->certificate.c_str(), days,
              files->key.c_str());
  if (!node)
    std::printf("next: audiocloud cert node NAME --ca %s  (one for each node of the cluster)\n", args.out_dir.c_str());
  return kExitOk;
}

}  // namespace ac
