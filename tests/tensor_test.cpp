// Tensor: factories, layout ops, formatting, and clear errors on bad input.
#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/tensor_math.hpp"

using namespace s2s;

TEST_CASE("tensor: factories fill and count") {
  CHECK(Tensor::zeros({2, 3}).numel() == 6);
  CHECK(Tensor::ones({2})[1] == 1);
  CHECK(Tensor::full({1, 2}, 7)[1] == 7);
  CHECK(Tensor::scalar(3).item() == 3);
  CHECK(Tensor::scalar(3).rank() == 0);
  Tensor r = Tensor::arange(4);
  CHECK(r.shape() == Shape{4});
  CHECK(r[3] == 3);
  CHECK(Tensor::arange(1, 2, real(0.5)).numel() == 2);
  CHECK_THROWS_WITH_AS(Tensor::from({2, 2}, {1, 2, 3}), doctest::Contains("needs 4 values, got 3"),
                       Error);
  CHECK_THROWS_WITH_AS(Tensor::zeros({-1, 3}), doctest::Contains("sizes must be >= 0"), Error);
}

TEST_CASE("tensor: seeded generators repeat and differ by seed") {
  Rng a(7), b(7), c(8);
  Tensor x = Tensor::normal({100}, a), y = Tensor::normal({100}, b), z = Tensor::normal({100}, c);
  CHECK(x.to_vector() == y.to_vector());
  CHECK(x.values() != z.values());
  double m = sum_all(x) / 100.0;
  CHECK(std::abs(m) < 0.35);
  Tensor u = Tensor::uniform({1000}, a, -2, 3);
  for (real v : u.values()) CHECK((v >= -2 && v < 3));
}

TEST_CASE("tensor: at, reshape, permute, transpose") {
  Tensor t = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(t.at({1, 2}) == 6);
  CHECK_THROWS_WITH_AS(t.at({2, 0}), doctest::Contains("out of range"), Error);
  CHECK(t.reshape({3, -1}).shape() == Shape{3, 2});
  CHECK_THROWS_WITH_AS(t.reshape({4, 2}), doctest::Contains("cannot reshape (2,3)"), Error);
  Tensor tt = t.transpose(0, 1);
  CHECK(tt.shape() == Shape{3, 2});
  CHECK(tt.to_vector() == std::vector<real>{1, 4, 2, 5, 3, 6});
  Tensor p = Tensor::arange(24).reshape({2, 3, 4}).permute({2, 0, 1});
  CHECK(p.shape() == Shape{4, 2, 3});
  CHECK(p.at({3, 1, 2}) == 1 * 12 + 2 * 4 + 3);
  CHECK_THROWS_WITH_AS(t.permute({0, 0}), doctest::Contains("given twice"), Error);
}

TEST_CASE("tensor: slice, concat, stack") {
  Tensor t = Tensor::arange(12).reshape({3, 4});
  Tensor s = t.slice(1, 1, 3);
  CHECK(s.shape() == Shape{3, 2});
  CHECK(s.to_vector() == std::vector<real>{1, 2, 5, 6, 9, 10});
  CHECK_THROWS_WITH_AS(t.slice(0, 2, 5), doctest::Contains("outside axis 0 of size 3"), Error);
  Tensor c = Tensor::concat({t, t.slice(1, 0, 1)}, 1);
  CHECK(c.shape() == Shape{3, 5});
  CHECK(c.at({2, 4}) == 8);
  CHECK_THROWS_WITH_AS(Tensor::concat({t, Tensor::zeros({2, 2})}, 1),
                       doctest::Contains("differ outside axis 1"), Error);
  Tensor st = Tensor::stack({t, t}, 0);
  CHECK(st.shape() == Shape{2, 3, 4});
  CHECK(Tensor::stack({t, t}, 2).shape() == Shape{3, 4, 2});
}

TEST_CASE("tensor: fmt formatting shows shape and values") {
  Tensor t = Tensor::from({2, 2}, {1, 2, 3, real(4.5)});
  CHECK(fmt::format("{}", t) == "Tensor(2,2) [[1, 2], [3, 4.5]]");
  std::string longer = fmt::format("{}", Tensor::arange(20));
  CHECK(longer.find("5, ..., 17, 18, 19]") != std::string::npos);
}

TEST_CASE("tensor math: broadcasting values and errors") {
  Tensor a = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  Tensor b = Tensor::from({3}, {10, 20, 30});
  CHECK((a + b).to_vector() == std::vector<real>{11, 22, 33, 14, 25, 36});
  Tensor col = Tensor::from({2, 1}, {1, 2});
  CHECK((a * col).to_vector() == std::vector<real>{1, 2, 3, 8, 10, 12});
  CHECK_THROWS_WITH_AS(a + Tensor::zeros({2}), doctest::Contains("add: shapes (2,3) and (2,)"),
                       Error);
  CHECK(sum_to(a, {1, 3}).to_vector() == std::vector<real>{5, 7, 9});
  CHECK(sum_to(a, {3}).to_vector() == std::vector<real>{5, 7, 9});
  CHECK(sum_to(a, {2, 1}).to_vector() == std::vector<real>{6, 15});
}

TEST_CASE("tensor math: reductions, softmax, matmul") {
  Tensor a = Tensor::from({2, 3}, {1, 5, 3, 4, 2, 6});
  CHECK(sum(a, 0).to_vector() == std::vector<real>{5, 7, 9});
  CHECK(sum(a, 1, true).shape() == Shape{2, 1});
  CHECK(max(a, 1).to_vector() == std::vector<real>{5, 6});
  CHECK(argmax(a, 1) == std::vector<int64_t>{1, 2});
  Tensor s = softmax(a, 1);
  CHECK(s[0] + s[1] + s[2] == doctest::Approx(1));
  CHECK(s[1] > s[2]);
  Tensor ls = log_softmax(a, 1);
  CHECK(std::exp(ls[1]) == doctest::Approx(s[1]));
  Tensor m = matmul(Tensor::from({2, 2}, {1, 2, 3, 4}), Tensor::from({2, 1}, {5, 6}));
  CHECK(m.to_vector() == std::vector<real>{17, 39});
  CHECK_THROWS_WITH_AS(matmul(a, a),
                       doctest::Contains("matmul: inner sizes differ: a (2,3) vs b (2,3)"), Error);
}
