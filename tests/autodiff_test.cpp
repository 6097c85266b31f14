// The autodiff engine: forward values, backward values, no-grad, graph
// release, deep graphs without recursion, DOT output and error messages.
#include <doctest/doctest.h>

#include <fstream>

#include "core/graph_view.hpp"
#include "core/error.hpp"
#include "core/fast/fast.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

using namespace s2s;

namespace {
long rss_kb() {  // resident set size from /proc (Linux)
  std::ifstream f("/proc/self/statm");
  long pages = 0, resident = 0;
  f >> pages >> resident;
  return resident * 4;
}
}  // namespace

TEST_CASE("autodiff: a neuron's values and gradients by hand") {
  // y = tanh(w·x + b) with w=(0.5,-1), x=(2,1), b=0.25: z = 1 - 1 + 0.25 = 0.25
  Var w(Tensor::from({2}, {0.5, -1}), true), x(Tensor::from({2}, {2, 1}), true),
      b(Tensor::scalar(0.25), true);
  Var y = tanh(sum(w * x) + b);
  const double t = std::tanh(0.25);
  CHECK(y.item() == doctest::Approx(t));
  y.backward();
  const double d = 1 - t * t;  // dy/dz
  CHECK(w.grad()[0] == doctest::Approx(d * 2));
  CHECK(w.grad()[1] == doctest::Approx(d * 1));
  CHECK(x.grad()[1] == doctest::Approx(d * -1));
  CHECK(b.grad().item() == doctest::Approx(d));
}

TEST_CASE("autodiff: forward values of ops") {
  Var a(Tensor::from({2, 2}, {1, 2, 3, 4})), c(Tensor::from({2}, {10, 20}));
  CHECK((a + c).value().to_vector() == std::vector<real>{11, 22, 13, 24});
  CHECK(matmul(a, a).value().to_vector() == std::vector<real>{7, 10, 15, 22});
  CHECK(max(a, 0).value().to_vector() == std::vector<real>{3, 4});
  CHECK(relu(a - real(2.5)).value().to_vector() == std::vector<real>{0, 0, real(0.5), real(1.5)});
  CHECK(gather_rows(a, {1, 1, 0}, {3}).value().to_vector() == std::vector<real>{3, 4, 3, 4, 1, 2});
  Var m = masked_fill(a, Tensor::from({2}, {0, 1}), -9);
  CHECK(m.value().to_vector() == std::vector<real>{1, -9, 3, -9});
  // cross entropy of uniform logits over 4 classes is log 4
  CHECK(cross_entropy(Var(Tensor::zeros({2, 4})), {1, 3}).item() == doctest::Approx(std::log(4.0)));
  CHECK(cross_entropy(Var(Tensor::zeros({2, 4})), {0, 0}, 0).item() == 0);
}

TEST_CASE("autodiff: gradients accumulate across backward calls until zero_grad") {
  Var x(Tensor::scalar(3), true);
  (x * x).backward();
  (x * x).backward();
  CHECK(x.grad().item() == doctest::Approx(12));
  x.zero_grad();
  (x * x).backward();
  CHECK(x.grad().item() == doctest::Approx(6));
}

TEST_CASE("autodiff: a variable used twice gets both contributions") {
  Var x(Tensor::scalar(2), true);
  Var y = x * x + x;  // dy/dx = 2x + 1 = 5
  y.backward();
  CHECK(x.grad().item() == doctest::Approx(5));
}

TEST_CASE("autodiff: no-grad guard records no graph and restores the mode") {
  Var w(Tensor::ones({2}), true);
  {
    NoGradGuard guard;
    CHECK_FALSE(GradMode::enabled());
    Var y = w * w;
    CHECK_FALSE(y.requires_grad());
    CHECK(graph_size(y) == 1);
    CHECK_THROWS_WITH_AS(sum(y).backward(), doctest::Contains("does not require grad"), Error);
  }
  CHECK(GradMode::enabled());
  CHECK((w * w).requires_grad());
}

TEST_CASE("autodiff: second backward over a released graph is a clear error") {
  Var x(Tensor::scalar(2), true);
  Var y = x * x;
  y.backward();
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("already released"), Error);
  Var z = x * x;
  z.backward(/*retain_graph=*/true);
  z.backward();  // allowed once more after retaining
  CHECK(x.grad().item() == doctest::Approx(4 + 4 + 4));
  // A new graph built on a released intermediate also reports it.
  Var a = x * x;
  Var b = a + x;
  b.backward();
  CHECK_THROWS_WITH_AS((a * x).backward(), doctest::Contains("already released"), Error);
}

TEST_CASE("autodiff: backward frees the graph's intermediate nodes") {
  Var x(Tensor::ones({4}), true);
  std::weak_ptr<Node> mid;
  {
    Var h = tanh(x * x);
    mid = h.node_ptr();
    Var loss = sum(h);
    loss.backward();
    // loss still holds its node, but the link to h was dropped by backward.
  }
  CHECK(mid.expired());
  CHECK(x.grad().numel() == 4);
}

TEST_CASE("autodiff: retain_grad keeps an intermediate's gradient") {
  Var x(Tensor::from({2}, {1, 2}), true);
  Var h = x * real(3);
  h.retain_grad();
  Var other = x * real(2);
  sum(h * h + other).backward();
  CHECK(h.grad().to_vector() == std::vector<real>{6, 12});  // dL/dh = 2h
}

TEST_CASE(
    "autodiff: add and reshape and linear's addend hand their gradient on but keep it when "
    "retained") {
  // Without retain_grad these backwards move dy into their input instead of
  // copying it; with it, both the node and its input must see dy.
  Var a(Tensor::from({2}, {1, 2}), true), b(Tensor::from({2}, {3, 4}), true);
  Var s = a + b;
  Var r = reshape(s, {2, 1});
  Var W(Tensor::from({1, 1}, {2}), true);
  Var y = linear_add(r, W, nullptr, r);  // r + r·W = 3r
  s.retain_grad();
  r.retain_grad();
  y.retain_grad();
  sum(y * y).backward();  // dL/dy = 2y = 6r;  dL/dr = 3·6r = 18r
  CHECK(y.grad().to_vector() == std::vector<real>{24, 36});
  CHECK(r.grad().to_vector() == std::vector<real>{72, 108});
  CHECK(s.grad().to_vector() == std::vector<real>{72, 108});
  CHECK(a.grad().to_vector() == std::vector<real>{72, 108});
  CHECK(b.grad().to_vector() == std::vector<real>{72, 108});
}

TEST_CASE("autodiff: a 10,000-step unroll neither overflows the stack nor leaks") {
  Var w(Tensor::scalar(0.999), true);
  auto unroll = [&](int steps) {
    Var h(Tensor::scalar(1));
    for (int t = 0; t < steps; ++t) h = tanh(h * w + real(0.001));
    return h;
  };
  Var h = unroll(10000);
  CHECK(graph_size(h) > 20000);
  h.backward();
  CHECK(std::isfinite(w.grad().item()));
  // Destroying an unreleased deep graph must not recurse either.
  { Var deep = unroll(10000); }
  CHECK(true);
}

TEST_CASE("autodiff: memory does not grow over 10,000 build/backward iterations") {
  Var W(Tensor::full({8, 8}, 0.1), true);
  auto step = [&] {
    Var x(Tensor::ones({4, 8}));
    Var loss = mean(tanh(matmul(tanh(matmul(x, W)), W)));
    loss.backward();
    W.zero_grad();
  };
  for (int i = 0; i < 1000; ++i) step();
  long before = rss_kb();
  for (int i = 0; i < 10000; ++i) step();
  long after = rss_kb();
  MESSAGE("RSS before " << before << " kB, after " << after << " kB");
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps freed memory in quarantine, so RSS says nothing here;
  // its LeakSanitizer checks for leaks at exit instead.
  CHECK(after >= before);
#else
  CHECK(after - before < 2048);  // under 2 MB of drift
#endif
  // Every node of an iteration's graph is gone once its handles are.
  std::vector<std::weak_ptr<Node>> nodes;
  {
    Var x(Tensor::ones({4, 8}));
    Var h = tanh(matmul(x, W));
    Var loss = mean(h);
    nodes = {h.node_ptr(), loss.node_ptr()};
    loss.backward();
  }
  for (auto& n : nodes) CHECK(n.expired());
}

TEST_CASE("autodiff: DOT output names ops and shapes") {
  Var x(Tensor::ones({2, 3}), true, "x");
  Var W(Tensor::ones({3, 4}), true, "W");
  Var y = sum(tanh(matmul(x, W)));
  std::string dot = to_dot(y);
  CHECK(dot.rfind("digraph G {", 0) == 0);
  CHECK(dot.find("matmul") != std::string::npos);
  CHECK(dot.find("tanh") != std::string::npos);
  CHECK(dot.find("(2,4)") != std::string::npos);
  CHECK(dot.find("W\\nleaf") != std::string::npos);
  CHECK(dot.find("->") != std::string::npos);
}

TEST_CASE("autodiff: shape errors name the op and both shapes") {
  Var a(Tensor::zeros({2, 3})), b(Tensor::zeros({4, 5}));
  CHECK_THROWS_WITH_AS(a + b, doctest::Contains("add: shapes (2,3) and (4,5)"), Error);
  CHECK_THROWS_WITH_AS(a * b, doctest::Contains("mul: shapes (2,3) and (4,5)"), Error);
  CHECK_THROWS_WITH_AS(matmul(a, b),
                       doctest::Contains("matmul: inner sizes differ: a (2,3) vs b (4,5)"), Error);
  CHECK_THROWS_WITH_AS(matmul(Var(Tensor::zeros({2})), a),
                       doctest::Contains("matmul: expected 2-D or 3-D"), Error);
  CHECK_THROWS_WITH_AS(linear(a, b, nullptr), doctest::Contains("linear: input's last size"),
                       Error);
  CHECK_THROWS_WITH_AS(concat({a, b}, 0), doctest::Contains("concat: shapes (2,3) and (4,5)"),
                       Error);
  CHECK_THROWS_WITH_AS(slice(a, 1, 2, 9), doctest::Contains("slice: range [2, 9)"), Error);
  CHECK_THROWS_WITH_AS(sum(a, 2), doctest::Contains("sum: axis 2 is out of range"), Error);
  CHECK_THROWS_WITH_AS(softmax(a, -3), doctest::Contains("softmax: axis -3"), Error);
  CHECK_THROWS_WITH_AS(reshape(a, {5}), doctest::Contains("cannot reshape (2,3)"), Error);
  CHECK_THROWS_WITH_AS(split(a, {1, 1}, 1), doctest::Contains("split: sizes add up to 2"), Error);
  CHECK_THROWS_WITH_AS(gather_rows(a, {0, 2}, {2}), doctest::Contains("token id 2 at position 1"),
                       Error);
  CHECK_THROWS_WITH_AS(gather_rows(a, {-1}, {1}), doctest::Contains("token id -1"), Error);
  CHECK_THROWS_WITH_AS(masked_fill(a, Tensor::zeros({3, 3}), 0),
                       doctest::Contains("masked_fill: mask shape (3,3)"), Error);
  CHECK_THROWS_WITH_AS(cross_entropy(a, {0}),
                       doctest::Contains("1 targets for logits of shape (2,3)"), Error);
  CHECK_THROWS_WITH_AS(cross_entropy(a, {0, 3}),
                       doctest::Contains("target 3 at row 1 is outside [0, 3)"), Error);
  CHECK_THROWS_WITH_AS(Var(Tensor::ones({2}), true).backward(), doctest::Contains("needs a scalar"),
                       Error);
  CHECK_THROWS_WITH_AS(mean(Var(Tensor::zeros({0}))), doctest::Contains("empty"), Error);
}

TEST_CASE("autodiff: anomaly mode names the op that produced NaN") {
  Var x(Tensor::from({2}, {-1, 1}), true);
  {
    AnomalyGuard anomaly;
    CHECK_THROWS_WITH_AS(log(x), doctest::Contains("anomaly: forward output of op 'log'"), Error);
    Var s = sqrt(x * x);  // fine forward, but d sqrt at 0 is infinite
    Var z(Tensor::zeros({2}), true);
    CHECK_THROWS_WITH_AS(sum(sqrt(z)).backward(),
                         doctest::Contains("backward gradient of op 'sqrt'"), Error);
  }
  CHECK_FALSE(GradMode::anomaly());
  CHECK(std::isnan(log(x).value()[0]));  // without anomaly mode: plain IEEE NaN
}
