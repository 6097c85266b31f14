// Every parallel path against a one-row or scalar reference (issue 18, item 7).
//
// Large tensors take other code paths than small ones: Adam splits tensors of
// 2^16 elements or more across the pool (nn/adam.cpp), for_each_row splits
// row passes of 2^15 elements or more (core/fast/thread_pool.hpp: softmax rows,
// cross-entropy, the fused GRU/LSTM/attention ops). A split that dropped or
// repeated a chunk would only show on large inputs, so each path is run at
// sizes just below, at and above its threshold and compared with a reference
// computed on the other path: Adam with a scalar loop, the row ops one row at a
// time (each row alone stays below the threshold and runs inline). The GEMM and
// linear's paired backward are checked the same way.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <functional>

#include "core/fast/fast.hpp"
#include "core/fast/thread_pool.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"
#include "nn/adam.hpp"

using namespace s2s;

namespace {

constexpr double kTol = kDoublePrecision ? 1e-12 : 2e-5;

bool close(double a, double b) { return std::abs(a - b) <= kTol * (1 + std::abs(b)); }

// How many elements of a and b differ (beyond kTol); the first one goes in INFO.
int64_t mismatches(const Tensor& a, const Tensor& b, int64_t* first = nullptr) {
  REQUIRE(a.numel() == b.numel());
  int64_t bad = 0;
  for (int64_t i = 0; i < a.numel(); ++i)
    if (!close(a.data()[i], b.data()[i])) {
      if (bad++ == 0 && first) *first = i;
    }
  return bad;
}

// One row of t (leading axis), keeping the leading axis of size 1.
Tensor row_of(const Tensor& t, int64_t r) { return t.slice(0, r, r + 1); }

}  // namespace

TEST_CASE("parallel: ThreadPool::parallel_for covers every index once, at any size") {
  for (int threads : {2, 3, 4}) {
    ThreadPool pool(threads);
    for (int64_t n : {1, 2, 3, 4, 5, 7, 64, 1000, 32767, 32768, 32769, 65535, 65536, 65537}) {
      std::vector<std::atomic<int>> seen(static_cast<size_t>(n));
      pool.parallel_for(n, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) seen[static_cast<size_t>(i)]++;
      });
      int64_t wrong = 0;
      for (auto& s : seen) wrong += s.load() != 1;
      INFO("threads ", threads, ", n ", n);
      CHECK(wrong == 0);
    }
  }
}

TEST_CASE("parallel: for_each_row visits every row once around its 2^15 threshold") {
  MESSAGE("global pool: ", ThreadPool::global().num_threads(), " threads");
  for (auto [rows, per_row] : std::vector<std::pair<int64_t, int64_t>>{
           {32767, 1}, {32768, 1}, {32769, 1}, {128, 255}, {128, 256}, {128, 257}, {3, 20000}}) {
    std::vector<std::atomic<int>> seen(static_cast<size_t>(rows));
    for_each_row(rows, per_row, [&](int64_t r) { seen[static_cast<size_t>(r)]++; });
    int64_t wrong = 0;
    for (auto& s : seen) wrong += s.load() != 1;
    INFO("rows ", rows, " x ", per_row);
    CHECK(wrong == 0);
  }
}

TEST_CASE("parallel: Adam on large tensors equals a scalar reference, around 2^16") {
  if (ThreadPool::global().num_threads() < 2)
    MESSAGE(
        "note: the global pool has 1 thread here (S2S_THREADS=1 or one core): the split "
        "runs inline");
  const real lr = real(1e-2), b1 = real(0.9), b2 = real(0.999), eps = real(1e-8);
  for (int64_t n :
       {int64_t{65535}, int64_t{65536}, int64_t{65537}, int64_t{131075}, int64_t{262149}}) {
    Rng rng(static_cast<uint64_t>(n));
    Var w(Tensor::normal({n}, rng), true);
    const Tensor w0 = w.value();
    std::vector<double> ref(w0.data(), w0.data() + n), m(static_cast<size_t>(n)),
        v(static_cast<size_t>(n));
    Adam adam({w}, lr, b1, b2, eps);
    for (int t = 1; t <= 3; ++t) {
      const Tensor g = Tensor::normal({n}, rng);
      // The gradient through autodiff: d/dw sum(w * g) = g.
      adam.zero_grad();
      sum(mul(w, Var(g))).backward();
      adam.step();
      const double bc1 = 1 - std::pow(double(b1), t), bc2 = 1 - std::pow(double(b2), t);
      for (int64_t j = 0; j < n; ++j) {
        const double gj = g.data()[j];
        m[j] = b1 * m[j] + (1 - b1) * gj;
        v[j] = b2 * v[j] + (1 - b2) * gj * gj;
        ref[j] -= lr / bc1 * m[j] / (std::sqrt(v[j]) / std::sqrt(bc2) + eps);
      }
    }
    int64_t bad = 0, unchanged = 0, first = -1;
    for (int64_t j = 0; j < n; ++j) {
      const double got = w.value().data()[j];
      if (std::abs(got - ref[j]) > (kDoublePrecision ? 1e-10 : 1e-5) * (1 + std::abs(ref[j])))
        if (bad++ == 0) first = j;
      unchanged += got == w0.data()[j];
    }
    INFO("n ", n, ": first mismatch at ", first);
    CHECK(bad == 0);
    CHECK(unchanged == 0);  // a chunk left out would leave its elements as they were
  }
}

namespace {

// Runs f on the whole batch and on each row alone, comparing outputs and the
// gradients of every input (batched inputs row by row; shared inputs summed).
void check_rows(const std::string& what, std::vector<Tensor> inputs, std::vector<bool> batched,
                const std::function<Var(const std::vector<Var>&)>& f, uint64_t seed = 3) {
  INFO(what);
  std::vector<Var> vars;
  for (const Tensor& t : inputs) vars.emplace_back(t, true);
  const Var out = f(vars);
  Rng rng(seed);
  const Tensor R = Tensor::normal(out.shape(), rng);
  sum(mul(out, Var(R))).backward();
  const int64_t B = inputs[0].size(0);
  std::vector<Tensor> shared_grads(inputs.size());
  int64_t bad_out = 0, bad_grad = 0;
  for (int64_t r = 0; r < B; ++r) {
    std::vector<Var> row_vars;
    for (size_t k = 0; k < inputs.size(); ++k)
      row_vars.emplace_back(batched[k] ? row_of(inputs[k], r) : inputs[k], true);
    const Var o = f(row_vars);
    sum(mul(o, Var(row_of(R, r)))).backward();
    bad_out += mismatches(row_of(out.value(), r), o.value());
    for (size_t k = 0; k < inputs.size(); ++k) {
      if (batched[k]) {
        bad_grad += mismatches(row_of(vars[k].grad(), r), row_vars[k].grad());
      } else {
        Tensor g = row_vars[k].grad();
        if (shared_grads[k].numel() == 0) {
          shared_grads[k] = g;
        } else {
          for (int64_t i = 0; i < g.numel(); ++i) shared_grads[k].data()[i] += g.data()[i];
        }
      }
    }
  }
  for (size_t k = 0; k < inputs.size(); ++k)
    if (!batched[k]) {  // sums in another order: a looser tolerance
      for (int64_t i = 0; i < shared_grads[k].numel(); ++i) {
        const double a = vars[k].grad().data()[i], b = shared_grads[k].data()[i];
        bad_grad += std::abs(a - b) > 1e3 * kTol * (1 + std::abs(b));
      }
    }
  CHECK(bad_out == 0);
  CHECK(bad_grad == 0);
}

}  // namespace

TEST_CASE("parallel: every for_each_row op, whole batch vs one row at a time") {
  Rng rng(11);
  auto normal = [&](Shape s) { return Tensor::normal(std::move(s), rng); };
  // Sizes above 2^15 elements per pass (the whole batch), far below per row.
  for (int64_t B : {int64_t{63}, int64_t{64}, int64_t{65}}) {
    const int64_t H = 200, S = 40, A = 16, V = 520;
    check_rows("softmax rows (B,V)", {normal({B, V})}, {true},
               [](const std::vector<Var>& x) { return softmax(x[0], 1); });
    check_rows("log_softmax rows (B,V)", {normal({B, V})}, {true},
               [](const std::vector<Var>& x) { return log_softmax(x[0], 1); });
    check_rows("gru_hidden (B,3H)", {normal({B, 3 * H}), normal({B, 3 * H}), normal({B, H})},
               {true, true, true},
               [](const std::vector<Var>& x) { return gru_hidden(x[0], x[1], x[2]); });
    check_rows("lstm_cell_update (B,4H)", {normal({B, 4 * H}), normal({B, H})}, {true, true},
               [](const std::vector<Var>& x) { return lstm_cell_update(x[0], x[1]); });
    check_rows("lstm_hidden (B,4H)", {normal({B, 4 * H}), normal({B, H})}, {true, true},
               [](const std::vector<Var>& x) { return lstm_hidden(x[0], x[1]); });
    check_rows("additive_scores (B,S,A)", {normal({B, S, A}), normal({B, A}), normal({A})},
               {true, true, false},
               [](const std::vector<Var>& x) { return additive_scores(x[0], x[1], x[2]); });
    check_rows("fused_weighted_sum (B,S,H)", {softmax(normal({B, S}), 1), normal({B, S, H})},
               {true, true},
               [](const std::vector<Var>& x) { return fused_weighted_sum(x[0], x[1]); });
    // GEMM (core/fast/gemm.cpp splits products of 2^22 multiply-adds or more across the
    // pool) and linear's backward (dx and dW side by side from 2^20): the batch
    // product against one row at a time (a (1,K)·(K,N) product stays serial).
    const int64_t K = 320, N = 256;  // B·K·N = 5.2M multiply-adds around B = 64
    check_rows("matmul (B,K)x(K,N)", {normal({B, K}), normal({K, N})}, {true, false},
               [](const std::vector<Var>& x) { return matmul(x[0], x[1]); });
    check_rows("linear (B,K) with W (N,K) and bias", {normal({B, K}), normal({N, K}), normal({N})},
               {true, false, false},
               [](const std::vector<Var>& x) { return linear(x[0], x[1], &x[2]); });
    // cross_entropy is a mean over rows: B times its gradient, row by row, is each
    // row's own gradient, and B times the loss is the sum of the rows' losses.
    Ids targets;
    for (int64_t i = 0; i < B; ++i) targets.push_back((i * 7) % V);
    const Tensor logits = normal({B, V});
    Var x(logits, true);
    Var loss = cross_entropy(x, targets);
    mul_scalar(loss, real(B)).backward();
    double total = 0;
    int64_t bad = 0;
    for (int64_t r = 0; r < B; ++r) {
      Var xr(row_of(logits, r), true);
      Var lr = cross_entropy(xr, {targets[static_cast<size_t>(r)]});
      lr.backward();
      total += lr.value().item();
      bad += mismatches(row_of(x.grad(), r), xr.grad());
    }
    INFO("cross_entropy (B,V), B ", B);
    CHECK(bad == 0);
    CHECK(std::abs(loss.value().item() * double(B) - total) <= 1e3 * kTol * (1 + std::abs(total)));
  }
}
