#pragma once
// Counts heap allocations (every call of the global operator new) so a
// benchmark can report how many a training step makes. Link alloc_count.cpp
// into the executable: it replaces operator new/delete with counting versions
// that forward to malloc/free.
#include <cstdint>

namespace s2s::bench {
// operator new calls made by the calling thread so far. (The reference
// workload's pool threads only compute into buffers the main thread made.)
int64_t heap_allocations();
}  // namespace s2s::bench
