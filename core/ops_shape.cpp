// Shape ops move numbers around; their backward moves gradients back.
#include <span>

#include "core/error.hpp"
#include "core/ops.hpp"
#include "core/tensor_math.hpp"

namespace s2s {

// y = x viewed as `shape`;  dx += dy viewed as x's shape
Var reshape(const Var& x, Shape shape) {
  return Var::make("reshape", x.value().reshape(std::move(shape)), {x}, [](Node& self) {
    if (Tensor* dx = self.input_grad(0)) *dx += self.grad.reshape(dx->shape());
  });
}

// y = x with axes reordered;  dx += dy permuted by the inverse order
Var permute(const Var& x, const std::vector<int>& axes) {
  Tensor out = x.value().permute(axes);  // validates axes
  std::vector<int> inverse(axes.size());
  for (size_t i = 0; i < axes.size(); ++i)
    inverse[normalize_axis(axes[i], x.rank(), "permute")] = static_cast<int>(i);
  return Var::make("permute", std::move(out), {x}, [inverse](Node& self) {
    if (Tensor* dx = self.input_grad(0)) *dx += self.grad.permute(inverse);
  });
}

Var transpose(const Var& x, int a, int b) {
  std::vector<int> axes(x.rank());
  for (int i = 0; i < x.rank(); ++i) axes[i] = i;
  std::swap(axes[normalize_axis(a, x.rank(), "transpose")],
            axes[normalize_axis(b, x.rank(), "transpose")]);
  return permute(x, axes);
}

// y = x[start:stop] along axis;  dx[start:stop] += dy
Var slice(const Var& x, int axis, int64_t start, int64_t stop) {
  int ax = normalize_axis(axis, x.rank(), "slice");
  return Var::make("slice", x.value().slice(ax, start, stop), {x}, [ax, start](Node& self) {
    if (Tensor* dx = self.input_grad(0)) {
      const Shape& s = dx->shape();
      int64_t outer = shape_numel(Shape(s.begin(), s.begin() + ax));
      int64_t inner = shape_numel(Shape(s.begin() + ax + 1, s.end()));
      int64_t n = self.grad.shape()[ax] * inner;
      for (int64_t o = 0; o < outer; ++o) {
        real* dst = dx->data() + (o * s[ax] + start) * inner;
        const real* src = self.grad.data() + o * n;
        for (int64_t i = 0; i < n; ++i) dst[i] += src[i];
      }
    }
  });
}

Var select(const Var& x, int axis, int64_t index) {
  int ax = normalize_axis(axis, x.rank(), "select");
  S2S_CHECK(index >= 0 && index < x.size(ax),
            "select: index {} out of range for axis {} of shape {}", index, ax,
            shape_str(x.shape()));
  Shape s = x.shape();
  s.erase(s.begin() + ax);
  return reshape(slice(x, ax, index, index + 1), s);
}

// y = [x_1; x_2; ...] along axis;  dx_i += the slice of dy that x_i filled
Var concat(std::span<const Var> parts, int axis) {
  S2S_CHECK(!parts.empty(), "concat: needs at least one tensor");
  // Pointers to the parts' values, not copies of them.
  PooledList<const Tensor*> values(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) values[i] = &parts[i].value();
  int ax = normalize_axis(axis, parts[0].rank(), "concat");
  return Var::make("concat", Tensor::concat(values, ax), parts, [ax](Node& self) {
    int64_t offset = 0;
    for (size_t i = 0; i < self.inputs.size(); ++i) {
      int64_t n = self.inputs[i]->value.shape()[ax];
      if (Tensor* dx = self.input_grad(i)) *dx += self.grad.slice(ax, offset, offset + n);
      offset += n;
    }
  });
}

Var stack(const std::vector<Var>& parts, int axis) {
  S2S_CHECK(!parts.empty(), "stack: needs at least one tensor");
  int ax = normalize_axis(axis, parts[0].rank() + 1, "stack");
  PooledList<Var> expanded;
  expanded.reserve(parts.size());
  for (const Var& p : parts) {
    S2S_CHECK(p.shape() == parts[0].shape(), "stack: shapes {} and {} differ",
              shape_str(parts[0].shape()), shape_str(p.shape()));
    Shape s = p.shape();
    s.insert(s.begin() + ax, 1);
    expanded.push_back(reshape(p, s));
  }
  return concat(std::span<const Var>(expanded.data(), expanded.size()), ax);
}

std::vector<Var> split(const Var& x, const std::vector<int64_t>& sizes, int axis) {
  int ax = normalize_axis(axis, x.rank(), "split");
  int64_t total = 0;
  for (int64_t s : sizes) {
    S2S_CHECK(s >= 0, "split: sizes must be >= 0, got {}", s);
    total += s;
  }
  S2S_CHECK(total == x.size(ax), "split: sizes add up to {} but axis {} of shape {} has {}", total,
            ax, shape_str(x.shape()), x.size(ax));
  std::vector<Var> out;
  int64_t offset = 0;
  for (int64_t s : sizes) {
    out.push_back(slice(x, ax, offset, offset + s));
    offset += s;
  }
  return out;
}

}  // namespace s2s
