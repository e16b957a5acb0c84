#pragma once
// SIGINT/SIGTERM (or a control message) asking a long-running subcommand
// (`run`, `render`, `ptp`) to finish cleanly: its loop polls
// stop_requested().

namespace ac {

// [control] Routes SIGINT and SIGTERM to request_stop().
void install_stop_signals();
// [any, async-signal-safe] Asks the running loop to stop.
void request_stop() noexcept;
// [any]
bool stop_requested() noexcept;
// [any] The signal that asked to stop (SIGINT, SIGTERM), 0 if none did.
int stop_signal() noexcept;

}  // namespace ac
