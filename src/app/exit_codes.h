#pragma once
// The exit codes of every `audiocloud` subcommand: one table, printed by
// `audiocloud --help` and in the README, so that scripts can tell a bad
// graph from a full disk from a Ctrl-C.

namespace ac {

enum ExitCode : int {
  kExitOk = 0,
  kExitBadInput = 1,  // the user's input: a graph file, an option, a path, a usage error
  kExitIo = 2,        // the system: a device, a file that cannot be written, a peer that went away
  // 128 + the signal's number, as shells report it: 130 for SIGINT (Ctrl-C),
  // 143 for SIGTERM. What was done until then is kept (files finalised).
  kExitInterruptedBase = 128,
};

// The table as the help text prints it.
inline constexpr const char* kExitCodeTable =
    "Exit codes: 0 done; 1 bad input (graph file, option, path, usage); 2 I/O or system failure\n"
    "(device, disk, peer); 130 interrupted by SIGINT, 143 by SIGTERM (what was done is kept).";

}  // namespace ac
