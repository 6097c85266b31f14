#include "core/gradcheck.hpp"

#include <algorithm>
#include <cmath>

#include "core/tensor_math.hpp"

namespace s2s {

namespace {
std::string multi_index(const Shape& s, int64_t flat) {
  std::vector<int64_t> idx(s.size());
  for (size_t i = s.size(); i-- > 0;) {
    idx[i] = flat % s[i];
    flat /= s[i];
  }
  return fmt::format("({})", fmt::join(idx, ","));
}
}  // namespace

GradCheckResult gradcheck(const std::string& op, const GradFn& f, const std::vector<Tensor>& inputs,
                          const GradCheckOptions& opts) {
  GradCheckResult res;
  std::vector<Var> vars;
  for (const Tensor& t : inputs) vars.emplace_back(t, true);

  // Analytic gradients by backward() through L = Σ y ⊙ R.
  Var y = f(vars);
  Rng rng(opts.seed);
  const Tensor R = Tensor::uniform(y.shape(), rng, 0.5, 1.5);
  Var loss = sum(mul(y, Var(R)));
  loss.backward();

  // The same loss evaluated without a graph, for finite differences.
  auto eval = [&](const std::vector<Tensor>& xs) {
    NoGradGuard no_grad;
    std::vector<Var> vs;
    for (const Tensor& t : xs) vs.emplace_back(t);
    return static_cast<double>(sum_all(f(vs).value() * R));
  };

  std::vector<Tensor> xs = inputs;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Tensor& analytic = vars[i].grad();
    for (int64_t j = 0; j < xs[i].numel(); ++j) {
      const real saved = xs[i][j];
      xs[i][j] = static_cast<real>(saved + opts.eps);
      const double plus = eval(xs);
      xs[i][j] = static_cast<real>(saved - opts.eps);
      const double minus = eval(xs);
      xs[i][j] = saved;
      const double numeric = (plus - minus) / (2 * opts.eps);
      const double a = analytic[j];
      const double err = std::abs(a - numeric) / std::max({1.0, std::abs(a), std::abs(numeric)});
      ++res.checked;
      if (!(err <= res.max_error)) res.max_error = std::isnan(err) ? INFINITY : err;
      if (res.ok && !(err <= opts.tol)) {
        res.ok = false;
        res.message = fmt::format(
            "gradcheck failed for op '{}': input {} {} at index {} {}: analytic {:.10g} vs "
            "numeric {:.10g} (error {:.3g} > tolerance {:.3g})",
            op, i, shape_str(xs[i].shape()), j, multi_index(xs[i].shape(), j), a, numeric, err,
            opts.tol);
      }
    }
  }
  if (res.ok)
    res.message = fmt::format("gradcheck ok for op '{}': {} elements, max error {:.3g}", op,
                              res.checked, res.max_error);
  return res;
}

}  // namespace s2s
