#include "nn/recurrent_cell.hpp"

#include "core/error.hpp"
#include "nn/gru_cell.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/rnn_cell.hpp"

namespace s2s {

RecurrentCell::RecurrentCell(int64_t E, int64_t H) : input_size(E), hidden_size(H) {
  S2S_CHECK(E > 0 && H > 0, "RecurrentCell: sizes must be > 0, got input_size={} hidden_size={}", E,
            H);
}

RecurrentState RecurrentCell::zero_state(int64_t B) const {
  S2S_CHECK(B > 0, "{} cell: zero_state needs batch size > 0, got {}", kind(), B);
  RecurrentState s{Var(Tensor::zeros({B, hidden_size})), Var()};
  if (has_cell_state()) s.c = Var(Tensor::zeros({B, hidden_size}));
  return s;
}

void RecurrentCell::check_step(const Var& x, const RecurrentState& s) const {
  const std::string k = kind();
  S2S_CHECK(x.defined() && x.rank() == 2 && x.size(1) == input_size,
            "{} cell: input must be (B,{}), got {}", k, input_size,
            x.defined() ? shape_str(x.shape()) : "undefined");
  const int64_t B = x.size(0);
  S2S_CHECK(s.h.defined() && s.h.shape() == Shape({B, hidden_size}),
            "{} cell: state h must be ({},{}), got {}", k, B, hidden_size,
            s.h.defined() ? shape_str(s.h.shape()) : "undefined");
  if (has_cell_state())
    S2S_CHECK(s.c.defined() && s.c.shape() == Shape({B, hidden_size}),
              "{} cell: cell state c must be ({},{}), got {}", k, B, hidden_size,
              s.c.defined() ? shape_str(s.c.shape()) : "undefined");
}

std::unique_ptr<RecurrentCell> make_cell(const std::string& kind, int64_t E, int64_t H, Rng& rng,
                                         real lstm_forget_bias) {
  if (kind == "rnn") return std::make_unique<RNNCell>(E, H, rng);
  if (kind == "gru") return std::make_unique<GRUCell>(E, H, rng);
  if (kind == "lstm") return std::make_unique<LSTMCell>(E, H, rng, lstm_forget_bias);
  throw Error(fmt::format(
      "make_cell: unknown cell kind '{}' (expected \"rnn\", \"gru\" or \"lstm\")", kind));
}

}  // namespace s2s
