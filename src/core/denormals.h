#pragma once
// Denormal numbers make filters and reverb tails crawl (100x slower on
// x86). Every audio thread flushes them to zero; drivers call this once when
// their audio thread starts.
namespace ac {

// [audio] Sets flush-to-zero and denormals-are-zero for the calling thread.
void enable_flush_denormals() noexcept;

}  // namespace ac
