// Shape: an inline list of at most 8 sizes that reads like std::vector<int64_t>.
#include "core/shape.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "core/error.hpp"
#include "core/tensor.hpp"

using s2s::Shape;

TEST_CASE("shape: vector-like construction, comparison and editing") {
  const Shape a{2, 3, 4};
  CHECK(a.size() == 3);
  CHECK(a[1] == 3);
  CHECK(a.back() == 4);
  CHECK(a == Shape(std::vector<int64_t>{2, 3, 4}));
  CHECK(!(a == Shape{2, 3}));
  CHECK(Shape(2) == Shape{0, 0});  // like std::vector: (n) is n zeros, {n} is one size
  CHECK(Shape{2}.size() == 1);
  CHECK(Shape().empty());

  Shape b = a;
  b.insert(b.begin() + 1, 7);  // (2,7,3,4)
  CHECK(b == Shape{2, 7, 3, 4});
  b.erase(b.begin());  // (7,3,4)
  CHECK(b == Shape{7, 3, 4});
  b.push_back(5);
  b.back() = 6;
  CHECK(b.to_vector() == std::vector<int64_t>{7, 3, 4, 6});
  CHECK(Shape(a.begin() + 1, a.end()) == Shape{3, 4});
  CHECK(s2s::shape_str(a) == "(2,3,4)");
  CHECK(s2s::shape_str(Shape{5}) == "(5,)");
}

TEST_CASE("shape: more than 8 dimensions is a clear error, not an overflow") {
  Shape s(8, 1);
  CHECK_THROWS_WITH_AS(s.push_back(1), doctest::Contains("rank 9 is more than the 8 dimensions"),
                       s2s::Error);
  CHECK(s.size() == 8);  // unchanged by the failed push
  CHECK_THROWS_WITH_AS(s2s::Tensor(Shape(std::vector<int64_t>(9, 1))), doctest::Contains("rank 9"),
                       s2s::Error);
  CHECK_THROWS_AS(s.insert(s.begin(), 2), s2s::Error);
}
