#include "core/shape.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace s2s {

void Shape::too_many(size_t rank) {
  throw Error(fmt::format("shape: rank {} is more than the {} dimensions a tensor can have", rank,
                          kMaxRank));
}

std::string shape_str(const Shape& s) {
  if (s.size() == 1) return fmt::format("({},)", s[0]);
  return fmt::format("({})", fmt::join(s, ","));
}

int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

void check_shape(const Shape& s, const char* what) {
  // The element count must fit in int64: a product that wrapped around (e.g.
  // (2^32,2^32) -> 0) would describe a tensor with far fewer numbers than its shape.
  int64_t n = 1;
  for (int64_t d : s) {
    S2S_CHECK(d >= 0, "{}: sizes must be >= 0, got shape {}", what, shape_str(s));
    S2S_CHECK(!__builtin_mul_overflow(n, d, &n), "{}: shape {} has too many elements", what,
              shape_str(s));
  }
}

int normalize_axis(int axis, int64_t rank, const char* op) {
  int a = axis < 0 ? axis + static_cast<int>(rank) : axis;
  S2S_CHECK(a >= 0 && a < rank, "{}: axis {} is out of range for a tensor of rank {}", op, axis,
            rank);
  return a;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    S2S_CHECK(da == db || da == 1 || db == 1,
              "{}: shapes {} and {} cannot be broadcast (sizes {} and {} differ)", op, shape_str(a),
              shape_str(b), da, db);
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Shape strides_of(const Shape& s) {
  Shape st(s.size());
  int64_t acc = 1;
  for (size_t i = s.size(); i-- > 0;) {
    st[i] = acc;
    acc *= s[i];
  }
  return st;
}

}  // namespace s2s
