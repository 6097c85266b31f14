// The course kit's probes (tutorials/exercise_needs.hpp): one tiny call per exercise
// that reaches the exercise's own code before any other exercise's, so that its stub,
// if it is one, throws ExerciseNotDone with its own id. Compiled into the tutorials
// and the graders (the s2s_course_* libraries of CMakeLists.txt).
// 课程包的探测:每个练习一次很小的调用,若仍是桩代码,便抛出带有自身 id 的 ExerciseNotDone。
#include <functional>
#include <map>
#include <memory>

#include "attention/additive.hpp"
#include "attention/attention.hpp"
#include "attention/cosine.hpp"
#include "attention/dot.hpp"
#include "attention/general.hpp"
#include "attention/key_value.hpp"
#include "attention/local.hpp"
#include "attention/location.hpp"
#include "core/ops.hpp"
#include "nn/gru_cell.hpp"
#include "nn/lstm_cell.hpp"
#include "nn/rnn_cell.hpp"
#include "seq2seq/decoding/greedy.hpp"
#include "seq2seq/metrics/bleu.hpp"
#include "seq2seq/model/attention_decoder.hpp"
#include "seq2seq/model/bottleneck_decoder.hpp"
#include "seq2seq/model/seq2seq.hpp"
#include "tutorials/exercise_needs.hpp"

namespace s2s::course {

namespace {
using Probes = std::map<std::string, std::function<void()>>;

// The ops of core/ (tutorials 01-03): one backward each.
void add_core_op_probes(Probes& p) {
  p.emplace("tanh-backward", [] { sum(tanh(Var(Tensor::from({2}, {0.5, -1}), true))).backward(); });
  p.emplace("sigmoid-backward", [] {
    sum(sigmoid(Var(Tensor::from({2}, {0.5, -1}), true))).backward();
  });
  p.emplace("matmul-backward", [] {
    Var a(Tensor::ones({1, 2}), true), b(Tensor::ones({2, 1}), true);
    sum(matmul(a, b)).backward();
  });
  p.emplace("softmax-backward", [] {
    sum(softmax(Var(Tensor::from({1, 2}, {0.5, -1}), true), 1)).backward();
  });
  p.emplace("cross-entropy-backward", [] {
    cross_entropy(Var(Tensor::from({1, 2}, {0.5, -1}), true), Ids{0}).backward();
  });
}

// The cells of nn/ (tutorials 02, 03, 05): one step of a 1x1 cell.
void add_cell_probes(Probes& p) {
  p.emplace("rnn-cell-step", [] {
    Rng rng(1);
    RNNCell(1, 1, rng).step(Var(Tensor::ones({1, 1})), {Var(Tensor::zeros({1, 1})), Var()});
  });
  p.emplace("lstm-cell-step", [] {
    Rng rng(1);
    Var z(Tensor::zeros({1, 1}));
    LSTMCell(1, 1, rng).step(Var(Tensor::ones({1, 1})), {z, z});
  });
  p.emplace("gru-cell-step", [] {
    Rng rng(1);
    GRUCell(1, 1, rng).step(Var(Tensor::ones({1, 1})), {Var(Tensor::zeros({1, 1})), Var()});
  });
}

// The bottleneck decoder and greedy decoding (tutorial 04), BLEU (tutorial 10).
void add_decoder_probes(Probes& p) {
  p.emplace("bottleneck-decoder-step", [] {
    Rng rng(1);
    BottleneckConfig c;
    c.vocab = 4, c.embed = 1, c.hidden = 1;
    BottleneckDecoder dec(c, rng);
    EncoderOutput enc;
    enc.final.h = Var(Tensor::zeros({1, 1}));
    DecoderState s = dec.start(enc);
    dec.step(Ids{1}, s, enc);
  });
  p.emplace("greedy-decode", [] {
    ModelConfig cfg;
    cfg.src_vocab = 5, cfg.tgt_vocab = 5, cfg.embed = 1, cfg.hidden = 1;
    cfg.attention = false;
    Seq2Seq model(cfg);
    Batch b;
    b.B = 1, b.S = 1, b.src = {3}, b.src_len = {1}, b.src_mask = Tensor::ones({1, 1});
    greedy_decode(model, b, 1);
  });
  p.emplace("bleu", [] {
    corpus_bleu(std::vector<std::vector<std::string>>{{"a"}},
                std::vector<std::vector<std::string>>{{"a"}}, 1);
  });
}

// Attention (tutorials 06-09): the weights, the context, the scores, the variants.
void add_attention_probes(Probes& p) {
  p.emplace("masked-softmax", [] {
    masked_softmax(Var(Tensor::zeros({1, 2})), Tensor::ones({1, 2}));
  });
  p.emplace("context-vector", [] {
    weighted_sum(Var(Tensor::ones({1, 1})), Var(Tensor::ones({1, 1, 1})));
  });
  p.emplace("additive-score", [] {
    additive_energy(Var(Tensor::zeros({1, 1, 1})), Var(Tensor::zeros({1, 1})),
                    Var(Tensor::ones({1})));
  });
  p.emplace("context-input", [] {
    Rng rng(1);
    AttentionDecoderConfig c;
    c.vocab = 4, c.embed = 1, c.hidden = 1, c.enc_size = 1;
    c.attn.score = "cosine";  // not an exercise
    c.attn.placement = Placement::input;
    AttentionDecoder dec(c, rng);
    EncoderOutput enc;
    enc.outputs = Var(Tensor::ones({1, 1, 1}));
    enc.mask = Tensor::ones({1, 1});
    enc.lengths = {1};
    enc.final.h = Var(Tensor::zeros({1, 1}));
    DecoderState s = dec.start(enc);
    dec.step(Ids{1}, s, enc);
  });
  p.emplace("dot-score", [] {
    DotScore(1, 1, false).score(Var(Tensor::ones({1, 1})), Var(Tensor::ones({1, 1, 1})), {});
  });
  p.emplace("general-score", [] {
    Rng rng(1);
    GeneralScore(1, 1, rng).score(Var(Tensor::ones({1, 1})), Var(Tensor::ones({1, 1, 1})), {});
  });
  p.emplace("location-score", [] {
    Rng rng(1);
    LocationScore(1, 1, 2, rng).score(Var(Tensor::ones({1, 1})), Var(Tensor::ones({1, 1, 1})), {});
  });
  p.emplace("local-p-window", [] {
    Rng rng(1);
    LocalAttention local(std::make_unique<CosineScore>(1, 1, rng), LocalMode::predictive, 1, rng,
                         1);
    Var k(Tensor::ones({1, 2, 1}));
    local.forward(Var(Tensor::ones({1, 1})), k, k, Tensor::ones({1, 2}), {});
  });
  p.emplace("key-value", [] {
    Rng rng(1);
    KeyValueAttention(KeyValueMode::split, "cosine", 1, 2, 1, 1, 1, 2, rng)
        .keys_values(Var(Tensor::ones({1, 1, 2})));
  });
}

// The reference engine: the fast one bypasses some exercises (the fast column of
// exercises.tsv). Inputs of size 1 or 2: a probe only has to reach the code.
const Probes& probes() {
  static const Probes p = [] {
    Probes all;
    add_core_op_probes(all);
    add_cell_probes(all);
    add_decoder_probes(all);
    add_attention_probes(all);
    return all;
  }();
  return p;
}

}  // namespace

std::vector<std::string> probe_ids() {
  std::vector<std::string> ids;
  for (const auto& [id, probe] : probes()) ids.push_back(id);
  return ids;
}

void run_probe(const std::string& id) {
  auto it = probes().find(id);
  if (it == probes().end()) throw Error(fmt::format("no probe for exercise '{}'", id));
  EngineGuard reference(Engine::reference);
  it->second();
}

bool not_done(const std::string& id) {
  try {
    run_probe(id);
  } catch (const ExerciseNotDone& e) {
    return e.id == id;
  } catch (const Error& e) {
    if (std::string(e.what()).rfind("no probe for exercise", 0) == 0) throw;
  } catch (const std::exception&) {
  }
  return false;
}

}  // namespace s2s::course
