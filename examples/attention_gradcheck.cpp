// A student's own attention, written from the library's ops and checked against
// central differences in double precision (link attention_lab::s2s_f64):
//
//   a = softmax(q Kᵀ / √d)      (B,1,S)   weights over the S source positions
//   c = a V                      (B,1,H)   the context vector
//
// Exit code 0 when the gradients of q, K and V match, 1 when they do not.
#include <cmath>
#include <cstdio>

#include "core/gradcheck.hpp"
#include "core/rng.hpp"

// The find_package target carries S2S_REAL=double: without it, this file would see
// float while the library was built with double.
static_assert(s2s::kDoublePrecision, "link attention_lab::s2s_f64 for gradient checks");

int main() {
  const int64_t B = 2, S = 5, D = 4, H = 3;  // B ≠ S ≠ D ≠ H, so a wrong axis shows
  s2s::Rng rng(7);
  const s2s::Tensor q = s2s::Tensor::normal({B, 1, D}, rng);
  const s2s::Tensor K = s2s::Tensor::normal({B, S, D}, rng);
  const s2s::Tensor V = s2s::Tensor::normal({B, S, H}, rng);

  auto attention = [&](const std::vector<s2s::Var>& in) {
    const s2s::Var scores = s2s::matmul(in[0], s2s::transpose(in[1], 1, 2)) /
                            std::sqrt(static_cast<s2s::real>(D));  // (B,1,S)
    const s2s::Var a = s2s::softmax(scores, 2);                     // (B,1,S)
    return s2s::matmul(a, in[2]);                                   // (B,1,H)
  };
  const s2s::GradCheckResult r = s2s::gradcheck("scaled dot-product attention", attention, {q, K, V});
  std::printf("library element type: %s\n", s2s::kRealName);
  std::printf("gradcheck of scaled dot-product attention: %s, %lld elements, max error %.2e\n",
              r.ok ? "ok" : "FAILED", static_cast<long long>(r.checked), r.max_error);
  if (!r.ok) std::printf("%s\n", r.message.c_str());
  return r.ok ? 0 : 1;
}
