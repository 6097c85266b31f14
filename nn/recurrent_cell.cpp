#include "nn/recurrent_cell.hpp"

#include "core/engine.hpp"
#include "core/error.hpp"
#include "nn/gru_cell.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/rnn_cell.hpp"

namespace s2s {

RecurrentCell::RecurrentCell(std::string name, int64_t E, int64_t H)
    : input_size(E), hidden_size(H), name_(std::move(name)) {
  S2S_CHECK(E > 0 && H > 0, "{} cell: sizes must be > 0, got input_size={} hidden_size={}", name_,
            E, H);
}

RecurrentState RecurrentCell::zero_state(int64_t B) const {
  S2S_CHECK(B > 0, "{} cell: zero_state needs batch size > 0, got {}", name_, B);
  RecurrentState s{Var(Tensor::zeros({B, hidden_size})), Var()};
  if (has_cell_state()) s.c = Var(Tensor::zeros({B, hidden_size}));
  return s;
}

RecurrentState RecurrentCell::state_from(const RecurrentState& other) const {
  if (!has_cell_state()) return {other.h, Var()};
  return {other.h, other.c.defined() ? other.c : Var(Tensor::zeros(other.h.shape()))};
}

void RecurrentCell::check_step(const Var& x, const RecurrentState& s) const {
  const char* k = name_.c_str();
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

namespace {
// Each row's kind is its position.
std::vector<CellEntry> numbered(std::vector<CellEntry> rows) {
  for (size_t i = 0; i < rows.size(); ++i) rows[i].kind = static_cast<CellKind>(i);
  return rows;
}
}  // namespace

// The built-in rows in CellKind's order (rnn, gru, lstm); a new cell adds a row.
Registry<CellEntry>& cell_registry() {
  static Registry<CellEntry> r(
      "cell kind",
      numbered(
          {{"rnn", "Elman: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)", 1,
            [](int64_t E, int64_t H, Rng& rng, real) -> std::unique_ptr<RecurrentCell> {
              return std::make_unique<RNNCell>(E, H, rng);
            }},
           {"gru", "gated recurrent unit (reset r, update z, candidate n)", 3,
            [](int64_t E, int64_t H, Rng& rng, real) -> std::unique_ptr<RecurrentCell> {
              return std::make_unique<GRUCell>(E, H, rng);
            }},
           {"lstm", "long short-term memory (gates i, f, g, o and a cell c)", 4,
            [](int64_t E, int64_t H, Rng& rng, real forget_bias) -> std::unique_ptr<RecurrentCell> {
              return std::make_unique<LSTMCell>(E, H, rng, forget_bias);
            }}}));
  return r;
}

CellKind register_cell(CellEntry e) {
  Registry<CellEntry>& r = cell_registry();
  S2S_CHECK(e.gates >= 1, "register_cell: cell '{}' needs gates >= 1, got {}", e.name, e.gates);
  S2S_CHECK(e.make != nullptr, "register_cell: cell '{}' has no make function", e.name);
  e.kind = static_cast<CellKind>(r.size());  // the next row
  r.add(e);
  return e.kind;
}

std::unique_ptr<RecurrentCell> make_cell(CellKind kind, int64_t E, int64_t H, Rng& rng,
                                         real forget_bias) {
  if (engine() == Engine::fast)
    if (auto fused = make_fused_cell(kind, E, H, rng, forget_bias)) return fused;
  return cell_registry().at(kind).make(E, H, rng, forget_bias);
}

const char* to_string(CellKind kind) { return cell_registry().at(kind).name; }

CellKind cell_kind_from_name(const std::string& name) { return cell_registry().find(name).kind; }

}  // namespace s2s
