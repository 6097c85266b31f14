// BackwardFn: the move-only closure a graph node keeps (inline captures, pooled overflow).
#include "core/fast/backward_fn.hpp"

#include <doctest/doctest.h>

#include <array>
#include <memory>
#include <utility>

#include "core/var.hpp"

using s2s::BackwardFn;
using s2s::Node;

TEST_CASE("backward fn: small and large closures run, move and are destroyed once") {
  Node node;
  int calls = 0;
  auto token = std::make_shared<int>(7);
  std::array<double, 40> big{};  // 320 bytes: more than the inline room, so pooled
  big[39] = 2.5;
  {
    BackwardFn small = [&calls, token](Node&) { calls += *token; };
    BackwardFn large = [&calls, big, token](Node&) { calls += static_cast<int>(big[39] * 2); };
    CHECK(static_cast<bool>(small));
    CHECK(token.use_count() == 3);  // two closures hold a copy
    small(node);
    large(node);
    CHECK(calls == 7 + 5);
    BackwardFn moved = std::move(large);  // the pooled closure changes owner
    CHECK(!large);
    moved(node);
    CHECK(calls == 17);
    BackwardFn moved_small(std::move(small));
    CHECK(!small);
    moved_small(node);
    CHECK(calls == 24);
    moved_small = nullptr;  // reset destroys the closure now
    CHECK(token.use_count() == 2);
  }
  CHECK(token.use_count() == 1);  // everything destroyed, nothing twice (shared_ptr would crash)
  BackwardFn none;
  CHECK(!none);
}
