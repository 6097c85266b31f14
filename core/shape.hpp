#pragma once
// Shapes are lists of sizes, outermost first: (B,S,H) = {B, S, H}.
#include <cstdint>
#include <string>
#include <vector>

namespace s2s {

using Shape = std::vector<int64_t>;

std::string shape_str(const Shape& s);               // "(2,3)"
int64_t shape_numel(const Shape& s);                 // product of sizes; 1 for a scalar ()
void check_shape(const Shape& s, const char* what);  // throws on a negative size
// Turns a possibly negative axis (-1 = last) into 0..rank-1, or throws naming op.
int normalize_axis(int axis, int64_t rank, const char* op);
// numpy broadcasting: sizes aligned from the right must match or be 1.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// Row-major strides: the last axis has stride 1.
std::vector<int64_t> strides_of(const Shape& s);

}  // namespace s2s
