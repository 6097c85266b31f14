// PyTorch parity data: runs each cell (rnn, gru, lstm) for three steps in
// float64 and stores weights, inputs, outputs and gradients in a safetensors
// file that nn/crosscheck/torch_cells.py replays in torch.nn.*Cell.
//
//   S2S_CROSSCHECK_OUT=/tmp/cells.safetensors ./tests_f64 -tc="nn: crosscheck*"
//   /usr/bin/python3 nn/crosscheck/torch_cells.py /tmp/cells.safetensors
//
// Without the variable the file goes to a temp dir and is only read back.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "nn/recurrent_cell.hpp"
#include "nn/safetensors.hpp"

using namespace s2s;

TEST_CASE("nn: crosscheck data for torch cells") {
  const char* env = std::getenv("S2S_CROSSCHECK_OUT");
  const std::string path = env ? std::string(env)
                               : (std::filesystem::temp_directory_path() /
                                  fmt::format("s2s_crosscheck_{}.safetensors", ::getpid()))
                                     .string();
  const int64_t B = 2, E = 3, H = 4, T = 3;
  std::vector<std::pair<std::string, Tensor>> out;
  for (const CellEntry& entry : cell_registry().entries()) {
    const std::string kind = entry.name;
    Rng rng(11);
    auto cell = make_cell(entry.kind, E, H, rng);
    Var x(Tensor::normal({T, B, E}, rng), true);
    Var h0(Tensor::normal({B, H}, rng), true), c0(Tensor::normal({B, H}, rng), true);
    Tensor R = Tensor::uniform({T, B, H}, rng, -1, 1), Rc = Tensor::uniform({B, H}, rng, -1, 1);
    // L = Σ_t Σ h_t ⊙ R_t  (+ Σ c_T ⊙ Rc for the LSTM)
    RecurrentState s{h0, cell->has_cell_state() ? c0 : Var()};
    std::vector<Var> hs;
    for (int64_t t = 0; t < T; ++t) {
      s = cell->step(select(x, 0, t), s);
      hs.push_back(s.h);
    }
    Var h_all = stack(hs, 0);  // (T,B,H)
    Var loss = sum(h_all * Var(R));
    if (s.c.defined()) loss = loss + sum(s.c * Var(Rc));
    loss.backward();

    auto put = [&](const std::string& name, const Tensor& t) {
      out.emplace_back(kind + "." + name, t);
    };
    for (auto& [name, p] : cell->named_parameters()) {
      put(name, p.value());
      put("grad." + name, p.grad());
    }
    put("x", x.value());
    put("h0", h0.value());
    put("c0", c0.value());
    put("R", R);
    put("Rc", Rc);
    put("h", h_all.value());
    put("loss", loss.value());
    put("grad.x", x.grad());
    put("grad.h0", h0.grad());
    if (s.c.defined()) {
      put("c_last", s.c.value());
      put("grad.c0", c0.grad());
    }
  }
  save_safetensors(path, out,
                   {{"producer", "tests/gradcheck/nn_crosscheck_test.cpp"}, {"dtype", kRealName}});
  auto back = load_safetensors(path);
  REQUIRE(back.size() == out.size());
  CHECK(back[0].first == "rnn.weight_ih");
  CHECK(back.back().second.values() == out.back().second.values());
  if (!env) std::filesystem::remove(path);
}
