// Bad input, one table: every public entry point must reject a wrong shape, an
// out-of-range id, an empty batch or an unreadable file with an s2s::Error whose
// message says what was expected and what came. Never a crash, never a silent NaN.
//
// Each row is {what we do wrong, the call, a fragment the message must contain}.
// Adding a row is the way to pin down a new error message.
#include <doctest/doctest.h>

#include <functional>
#include <limits>

#include "attention/attention.hpp"
#include "core/error.hpp"
#include "core/ops.hpp"
#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "nn/embedding.hpp"
#include "nn/linear.hpp"
#include "nn/safetensors.hpp"
#include "nn/sequence_rnn.hpp"
#include "reliability_util.hpp"
#include "seq2seq/data/batch.hpp"
#include "seq2seq/data/tatoeba.hpp"
#include "seq2seq/data/tokenizer.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/encoder.hpp"
#include "seq2seq/model/model_budget.hpp"
#include "seq2seq/model/model_folder.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;
using namespace s2s::reliability;

namespace {

struct Row {
  std::string what;            // the mistake, in words
  std::function<void()> call;  // must throw s2s::Error
  std::string fragment;        // ... whose message contains this
};

Var rand_var(Shape shape, uint64_t seed = 1) {
  Rng rng(seed);
  return Var(Tensor::normal(std::move(shape), rng), true);
}

}  // namespace

TEST_CASE("reliability: every bad input is a clear s2s::Error (table)") {
  TempDir tmp("bad_input");
  Rng rng(7);

  // Fixtures the rows below misuse.
  const Var a23 = rand_var({2, 3}), b45 = rand_var({4, 5}), x25 = rand_var({2, 5});
  const Var W34 = rand_var({3, 4});
  Linear lin(4, 3, rng);
  Embedding emb(10, 4, rng);
  const int64_t B = 2, S = 3, E = 4, H = 5;
  auto rnn = make_cell(CellKind::rnn, E, H, rng);
  auto gru = make_cell(CellKind::gru, E, H, rng);
  auto lstm = make_cell(CellKind::lstm, E, H, rng);
  SequenceRNN seq(E, H, rng, SequenceRNNOptions{.kind = CellKind::gru});
  Attention att("general", H, H, H, 16, rng);
  const Var q = rand_var({B, H}), keys = rand_var({B, S, H});
  const Tensor mask = Tensor::ones({B, S});
  EncoderConfig ec;
  ec.vocab = 10, ec.embed = E, ec.hidden = H;
  Encoder enc(ec, rng);
  Vocab sv, tv;
  sv.add("a"), tv.add("b");
  const Example good{{"a"}, {"b"}, {}}, no_src{{}, {"b"}, {}};

  // Files: missing, corrupt, malformed.
  const std::string missing = tmp.file("does_not_exist");
  const std::string truncated = tmp.file("truncated.safetensors");
  write_text(truncated, "abc");
  const std::string garbage = tmp.file("garbage.safetensors");
  {  // a plausible length prefix followed by text that is not JSON
    std::string bytes(8, '\0');
    bytes[0] = 5;
    write_text(garbage, bytes + "{oops");
  }
  // Shapes whose sizes overflow: (2^32,2^32) F32 wraps to 0 bytes; 2^64-1 is -1 as int64.
  auto write_header = [&](const std::string& name, const std::string& json, size_t data_bytes) {
    std::string bytes(8, '\0');
    for (size_t i = 0, n = json.size(); i < 8; ++i, n >>= 8) bytes[i] = static_cast<char>(n & 0xff);
    write_text(tmp.file(name), bytes + json + std::string(data_bytes, '\0'));
    return tmp.file(name);
  };
  const std::string overflow = write_header(
      "overflow.safetensors",
      R"({"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", 0);
  const std::string minus_one = write_header(
      "minus_one.safetensors",
      R"({"t":{"dtype":"F32","shape":[18446744073709551615,18446744073709551615],"data_offsets":[0,4]}})",
      4);
  const std::string bad_tsv = tmp.file("bad.tsv");
  write_text(bad_tsv, "hello\thola\nno tab on this line\n");
  const std::string bad_vocab = tmp.file("bad.vocab");
  write_text(bad_vocab, "<pad>\nnot-sos\n");
  const std::string model_dir = tmp.file("model_dir");  // vocab files but a corrupt checkpoint
  fs::create_directories(model_dir);
  Vocab big;
  for (const char* w : {"w1", "w2", "w3"}) big.add(w);
  big.save(model_dir + "/src.vocab");
  big.save(model_dir + "/tgt.vocab");
  write_text(model_dir + "/model.safetensors", "corrupt");

  // Issue 18 fixtures: a saved model, then copies with a NaN weight, a metadata
  // claim of hidden 100000, and model.safetensors replaced by a folder.
  const Splits copy_data = tiny_copy_task(32, 5);
  auto [csv, ctv] = build_vocabs(copy_data.train);
  Seq2Seq small(tiny_model_config(csv.size(), ctv.size(), 4, 6));
  const std::string saved = tmp.file("saved");
  save_model(saved, small, csv, ctv);
  auto copy_of = [&](const std::string& name) {
    const std::string d = tmp.file(name);
    fs::create_directories(d);
    for (const std::string& f : model_folder_files()) fs::copy_file(saved + "/" + f, d + "/" + f);
    return d;
  };
  const std::string nan_dir = copy_of("nan_model"), huge_dir = copy_of("huge_model"),
                    dir_dir = copy_of("dir_model"), foreign_dir = copy_of("foreign_model");
  {
    Metadata meta;
    auto t = load_safetensors(nan_dir + "/model.safetensors", &meta);
    t.back().second.data()[0] = std::numeric_limits<real>::infinity();
    save_safetensors(nan_dir + "/model.safetensors", t, meta);
    t = load_safetensors(huge_dir + "/model.safetensors", &meta);
    meta["hidden"] = "100000";
    save_safetensors(huge_dir + "/model.safetensors", t, meta);
    fs::remove(dir_dir + "/model.safetensors");
    fs::create_directories(dir_dir + "/model.safetensors");
    write_text(foreign_dir + "/notes.txt", "mine");
  }
  const std::string few_tsv = tmp.file("few.tsv"), empty_tsv = tmp.file("empty.tsv");
  write_text(few_tsv, "a\tb\nc\td\ne\tf\n");
  write_text(empty_tsv, "");
  ModelConfig huge_cfg = tiny_model_config(20, 20);
  huge_cfg.hidden = 100000;
  ModelConfig zero_cfg = tiny_model_config(20, 20);
  zero_cfg.embed = 0;

  std::vector<Row> rows = {
      // --- core ops: shapes ------------------------------------------------------
      {"add: shapes that do not broadcast", [&] { add(a23, b45); }, "cannot be broadcast"},
      {"mul: shapes that do not broadcast", [&] { mul(a23, b45); }, "cannot be broadcast"},
      {"matmul: inner sizes differ", [&] { matmul(a23, b45); }, "inner sizes differ"},
      {"matmul: rank 1 operand", [&] { matmul(rand_var({3}), b45); }, "matmul"},
      {"linear: input last dim != in_features", [&] { linear(x25, W34, nullptr); }, "in_features"},
      {"linear: bias of the wrong size",
       [&] {
         Var b = rand_var({7});
         linear(rand_var({2, 4}), W34, &b);
       },
       "bias must be"},
      {"concat: shapes differ outside the axis",
       [&] {
         concat({a23, b45}, 1);
       },
       "differ outside axis"},
      {"concat: no parts", [&] { concat({}, 0); }, "at least one"},
      {"stack: shapes differ",
       [&] {
         stack({a23, b45}, 0);
       },
       "differ"},
      {"softmax: axis out of range", [&] { softmax(a23, 2); }, "out of range"},
      {"log_softmax: negative axis out of range", [&] { log_softmax(a23, -3); }, "out of range"},
      {"sum: axis out of range", [&] { sum(a23, 5); }, "out of range"},
      {"mean: of an empty tensor",
       [&] {
         mean(Var(Tensor::zeros({0, 3})));
       },
       "empty"},
      {"gather_rows: token id >= V",
       [&] {
         gather_rows(W34, {0, 3}, {2});
       },
       "outside [0, 3)"},
      {"gather_rows: negative token id", [&] { gather_rows(W34, {-1}, {1}); }, "outside [0, 3)"},
      {"gather_rows: ids and ids_shape disagree",
       [&] {
         gather_rows(W34, {0, 1, 2}, {2});
       },
       "ids given"},
      {"gather_rows: table not 2-D", [&] { gather_rows(rand_var({3}), {0}, {1}); }, "2-D"},
      {"masked_fill: mismatched mask",
       [&] {
         masked_fill(a23, Tensor::ones({4, 5}), 0);
       },
       "does not broadcast"},
      {"where: mismatched condition",
       [&] {
         where(Tensor::ones({4, 5}), a23, a23);
       },
       "broadcast"},
      {"cross_entropy: logits not 2-D", [&] { cross_entropy(rand_var({3}), {0}); }, "(N,V)"},
      {"cross_entropy: wrong number of targets", [&] { cross_entropy(a23, {0}); },
       "targets for logits"},
      {"cross_entropy: target id >= V",
       [&] {
         cross_entropy(a23, {0, 3});
       },
       "outside [0, 3)"},
      {"cross_entropy: negative target id",
       [&] {
         cross_entropy(a23, {-5, 0});
       },
       "outside [0, 3)"},
      {"reshape: element count changes",
       [&] {
         reshape(a23, {4, 2});
       },
       "cannot reshape"},
      {"reshape: two -1 sizes",
       [&] {
         reshape(a23, {-1, -1});
       },
       "only one size may be -1"},
      {"slice: range past the end", [&] { slice(a23, 1, 1, 9); }, "outside axis"},
      {"slice: start after stop", [&] { slice(a23, 1, 2, 1); }, "outside axis"},
      {"select: index out of range", [&] { select(a23, 0, 2); }, "out of range"},
      {"permute: axis given twice",
       [&] {
         permute(a23, {0, 0});
       },
       "given twice"},
      {"split: sizes do not add up",
       [&] {
         split(a23, {1, 1}, 1);
       },
       "add up"},
      {"backward: from a non-scalar", [&] { mul_scalar(a23, 2).backward(); }, "needs a scalar"},
      // --- tensors --------------------------------------------------------------------
      {"Tensor::zeros: negative size", [&] { Tensor::zeros({-1}); }, "sizes must be >= 0"},
      {"Tensor::zeros: element count overflows",
       [&] {
         Tensor::zeros({int64_t{1} << 32, int64_t{1} << 32});
       },
       "too many elements"},
      {"Tensor::from: too few values",
       [&] {
         Tensor::from({2, 2}, {1, 2, 3});
       },
       "needs 4 values"},
      {"Tensor::at: index out of range",
       [&] {
         Tensor::zeros({2, 2}).at({0, 2});
       },
       "out of range"},
      {"Tensor::item: more than one element", [&] { Tensor::zeros({2}).item(); }, "one element"},
      // --- nn modules -----------------------------------------------------------------
      {"Linear: input last dim 5 != in_features 4", [&] { lin(x25); }, "in_features 4"},
      {"Linear: zero size", [&] { Linear(0, 3, rng); }, "sizes must be > 0"},
      {"Embedding: token id >= V",
       [&] {
         emb.forward({1, 10}, {2});
       },
       "token id 10 at position 1 is outside"},
      {"Embedding: negative token id", [&] { emb.forward({-1}, {1}); },
       "token id -1 at position 0 is outside"},
      {"Embedding: padding_idx out of range", [&] { Embedding(10, 4, rng, 10); }, "padding_idx"},
      {"cell_kind_from_name: unknown kind", [&] { cell_kind_from_name("transformer"); },
       "unknown cell kind"},
      {"rnn cell: input E wrong",
       [&] {
         rnn->step(rand_var({B, E + 1}), rnn->zero_state(B));
       },
       "rnn cell: input must be"},
      {"gru cell: input E wrong",
       [&] {
         gru->step(rand_var({B, E + 1}), gru->zero_state(B));
       },
       "gru cell: input must be"},
      {"lstm cell: input E wrong",
       [&] {
         lstm->step(rand_var({B, E + 1}), lstm->zero_state(B));
       },
       "lstm cell: input must be"},
      {"rnn cell: state of another batch size",
       [&] {
         rnn->step(rand_var({B, E}), rnn->zero_state(B + 1));
       },
       "state h must be"},
      {"gru cell: state h of the wrong width",
       [&] {
         gru->step(rand_var({B, E}), RecurrentState{rand_var({B, H + 1}), {}});
       },
       "state h must be"},
      {"lstm cell: missing cell state c",
       [&] {
         lstm->step(rand_var({B, E}), RecurrentState{rand_var({B, H}), {}});
       },
       "cell state c must be"},
      {"cell: zero_state of an empty batch", [&] { gru->zero_state(0); }, "batch size > 0"},
      {"SequenceRNN: input E wrong",
       [&] {
         seq.forward(rand_var({B, S, E + 1}), {3, 3});
       },
       "SequenceRNN"},
      {"SequenceRNN: one length for a batch of 2",
       [&] {
         seq.forward(rand_var({B, S, E}), {3});
       },
       "1 lengths for a batch of 2"},
      {"SequenceRNN: a zero length",
       [&] {
         seq.forward(rand_var({B, S, E}), {3, 0});
       },
       "[1,"},
      {"SequenceRNN: a length > S",
       [&] {
         seq.forward(rand_var({B, S, E}), {3, 4});
       },
       "[1,"},
      {"SequenceRNN: empty batch",
       [&] {
         seq.forward(Var(Tensor::zeros({0, S, E})), {});
       },
       "empty batch"},
      // --- attention ------------------------------------------------------------------
      {"Attention: query not (B,Hq)", [&] { att.forward(rand_var({H}), keys, keys, mask); },
       "query must be (B,Hq)"},
      {"Attention: keys not (B,S,Hk)",
       [&] {
         att.forward(q, rand_var({B, H}), keys, mask);
       },
       "keys must be (B,S,Hk)"},
      {"Attention: values of another length",
       [&] {
         att.forward(q, keys, rand_var({B, S + 1, H}), mask);
       },
       "must share (B,S)"},
      {"Attention: batch sizes differ",
       [&] {
         att.forward(rand_var({B + 1, H}), keys, keys, mask);
       },
       "batch sizes differ"},
      {"Attention: mask of the wrong shape",
       [&] {
         att.forward(q, keys, keys, Tensor::ones({B, S + 1}));
       },
       "mask must be (B,S)"},
      {"Attention: a row with no real token",
       [&] {
         att.forward(q, keys, keys, Tensor::from({B, S}, {1, 1, 1, 0, 0, 0}));
       },
       "no real token"},
      {"make_score: unknown name", [&] { make_score("telepathy", H, H, H, 8, rng); }, "telepathy"},
      {"location score: S > max_src_len",
       [&] { make_score("location", H, H, H, 2, rng)->score(q, keys, {}); }, "max_src_len"},
      {"dot score: Hq != Hk", [&] { make_score("dot", H, H + 1, H, 8, rng); }, "dot"},
      // --- encoder and model ------------------------------------------------------------
      {"Encoder: token id >= V",
       [&] {
         enc.forward({1, 2, 10, 1, 2, 3}, B, S, {3, 3});
       },
       "token id 10"},
      {"Encoder: negative token id",
       [&] {
         enc.forward({1, 2, -4, 1, 2, 3}, B, S, {3, 3});
       },
       "token id -4"},
      {"Encoder: ids do not fill (B,S)",
       [&] {
         enc.forward({1, 2, 3}, B, S, {3, 3});
       },
       "source ids for a (B,S)"},
      {"Encoder: empty batch", [&] { enc.forward({}, 0, S, {}); }, "empty batch"},
      {"Encoder: a zero-length sequence",
       [&] {
         enc.forward({1, 2, 3, 1, 2, 3}, B, S, {3, 0});
       },
       "[1,"},
      {"Seq2Seq: vocabulary of only the specials", [&] { Seq2Seq m(tiny_model_config(4, 10)); },
       "more than the 4 special tokens"},
      // --- data ---------------------------------------------------------------------------
      {"make_batch: empty batch", [&] { make_batch({}, sv, tv); }, "empty list"},
      {"make_batch: an empty source",
       [&] {
         make_batch({&good, &no_src}, sv, tv);
       },
       "example 1 has an empty source"},
      {"Batcher: batch_size 0", [&] { Batcher({good}, sv, tv, 0, 1); }, "batch_size must be >= 1"},
      {"Vocab::word: id >= size", [&] { sv.word(99); }, "out of range"},
      {"Vocab::word: negative id", [&] { sv.word(-1); }, "out of range"},
      {"Vocab::add: empty token",
       [&] {
         Vocab v;
         v.add("");
       },
       "empty token"},
      {"make_task: unknown task", [&] { make_task("telepathy", {}); }, "telepathy"},
      // --- files ---------------------------------------------------------------------------
      {"Vocab::load: missing file", [&] { Vocab::load(missing); }, "cannot open"},
      {"Vocab::load: specials out of order", [&] { Vocab::load(bad_vocab); }, "line 2"},
      {"load_safetensors: missing file", [&] { load_safetensors(missing); }, "cannot open"},
      {"load_safetensors: truncated file", [&] { load_safetensors(truncated); }, "truncated"},
      {"load_safetensors: header is not JSON", [&] { load_safetensors(garbage); }, "bad JSON"},
      {"load_safetensors: shape size overflows", [&] { load_safetensors(overflow); }, "too large"},
      {"load_safetensors: size 2^64-1", [&] { load_safetensors(minus_one); }, "bad shape"},
      {"load_tatoeba: missing file", [&] { load_tatoeba(missing); }, "cannot open"},
      {"load_tatoeba: malformed line (strict)",
       [&] {
         TatoebaOptions strict;
         strict.strict = true;
         load_tatoeba(bad_tsv, strict);
       },
       "line 2"},
      {"load_model: missing folder", [&] { load_model(missing); }, "is not a folder"},
      {"load_model: corrupt checkpoint", [&] { load_model(model_dir); }, "model.safetensors"},
      {"config_from_metadata: key missing", [&] { config_from_metadata({}); }, "metadata has no"},
      {"placement_from_name: unknown", [&] { placement_from_name("sideways"); }, "sideways"},
      // --- training -------------------------------------------------------------------------
      {"train: empty training set",
       [&] {
         Seq2Seq m(tiny_model_config(6, 6));
         train(m, Splits{}, sv, tv, TrainConfig{});
       },
       "training set is empty"},
      {"train: learning rate 0",
       [&] {
         Seq2Seq m(tiny_model_config(6, 6));
         TrainConfig c;
         c.lr = 0;
         train(m, Splits{{good}, {}, {}}, sv, tv, c);
       },
       "learning rate must be > 0"},
      {"train: learning rate NaN",
       [&] {
         Seq2Seq m(tiny_model_config(6, 6));
         TrainConfig c;
         c.lr = std::numeric_limits<real>::quiet_NaN();
         train(m, Splits{{good}, {}, {}}, sv, tv, c);
       },
       "learning rate must be > 0 and finite"},
      {"train: divergence (learning rate 1e30)",
       [&] {
         Seq2Seq m(tiny_model_config(csv.size(), ctv.size(), 4, 6));
         TrainConfig c;
         c.lr = real(1e30);
         c.epochs = 3;
         c.progress = false;
         train(m, copy_data, csv, ctv, c);
       },
       "training diverged"},
      // --- issue 18: model folders, sizes, data ------------------------------------------------
      {"load_model: a NaN/Inf weight", [&] { load_model(nan_dir); }, "non-finite value"},
      {"load_model: metadata claims hidden 100000", [&] { load_model(huge_dir); },
       "hidden 100000 is too large"},
      {"load_model: model.safetensors is a folder", [&] { load_model(dir_dir); },
       "is not a regular file"},
      {"check_budget: hidden 100000", [&] { check_budget(huge_cfg, true, "flags"); },
       "hidden 100000 is too large"},
      {"check_budget: batch 1000000 (activations)",
       [&] { check_budget(tiny_model_config(20, 20), true, "flags", 1000000, 22); },
       "batch 1000000 is too large"},
      {"check_budget: embed 0", [&] { check_budget(zero_cfg, true, "flags"); },
       "embed must be between 1 and"},
      {"check_output_folder: holds a model, no overwrite",
       [&] { check_output_folder(saved, false); }, "pass --overwrite"},
      {"check_output_folder: holds other files", [&] { check_output_folder(foreign_dir, true); },
       "'notes.txt', which is not part of a model"},
      {"check_output_folder: a file", [&] { check_output_folder(few_tsv, true); },
       "is a file, not a folder"},
      {"check_output_folder: the current folder", [&] { check_output_folder(".", true); },
       "give a folder of its own"},
      {"save_model: into a file", [&] { save_model(few_tsv, small, csv, ctv); },
       "is a file, not a folder"},
      {"load_tsv_splits: 3 pairs", [&] { load_tsv_splits(few_tsv, {}, 1); },
       "3 usable pairs, need at least 10"},
      {"load_tsv_splits: empty file", [&] { load_tsv_splits(empty_tsv, {}, 1); }, "0 lines read"},
      {"Adam: beta1 = 1", [&] { Adam(lin.parameters(), real(1e-3), 1, real(0.999)); }, "beta"},
      {"clip_grad_norm: max_norm 0", [&] { clip_grad_norm(lin.parameters(), 0); }, "max_norm"},
  };

  // Every score function checks its inputs: a query of the wrong width, keys of
  // the wrong width, and batch sizes that differ.
  for (const std::string& name : score_names()) {
    std::shared_ptr<ScoreFunction> f = make_score(name, H, H, H, 16, rng);
    rows.push_back({name + " score: query of the wrong width",
                    [=] {
                      f->score(rand_var({B, H + 1}), keys, {});
                    },
                    name + " score: query must be (B,5)"});
    rows.push_back({name + " score: keys of the wrong width",
                    [=] {
                      f->score(q, rand_var({B, S, H + 1}), {});
                    },
                    name + " score: keys must be (B,S,5)"});
    rows.push_back({name + " score: batch sizes differ",
                    [=] {
                      f->score(rand_var({B + 1, H}), keys, {});
                    },
                    name + " score: batch sizes differ"});
  }

  for (const Row& r : rows) {
    INFO("row: ", r.what);
    CHECK_THROWS_WITH_AS(r.call(), doctest::Contains(r.fragment.c_str()), s2s::Error);
  }
  MESSAGE(rows.size(), " bad-input rows checked");
}

TEST_CASE("reliability: a failed save writes nothing: no file and no temporary") {
  TempDir tmp("nothing_written");
  Rng rng(1);
  Linear lin(3, 2, rng);

  // A folder that does not exist: the temporary cannot even be created.
  const std::string in_missing = tmp.file("no_such_dir") + "/m.safetensors";
  CHECK_THROWS_WITH_AS(save_module(in_missing, lin), doctest::Contains("cannot create"),
                       s2s::Error);
  CHECK_FALSE(fs::exists(tmp.file("no_such_dir")));

  // Invalid tensors (a duplicate name) are rejected before any byte is written.
  const std::string path = tmp.file("dup.safetensors");
  CHECK_THROWS_WITH_AS(
      save_safetensors(path, {{"w", Tensor::zeros({2})}, {"w", Tensor::zeros({2})}}),
      doctest::Contains("appears twice"), s2s::Error);
  // Vocab::save into a missing folder fails loudly too.
  CHECK_THROWS_WITH_AS(Vocab().save(in_missing + ".vocab"), doctest::Contains("cannot open"),
                       s2s::Error);
  CHECK(tmp.listing().empty());
}

TEST_CASE("reliability: TSV: BOM stripped, CR-only lines, warnings summarised after 10") {
  TempDir tmp("tsv_edges");
  const std::string bom = tmp.file("bom.tsv"), cr = tmp.file("cr.tsv"), bad = tmp.file("bad.tsv");
  write_text(bom, "\xEF\xBB\xBFhello world\thola mundo\r\nbye\tadios\r\n");
  TatoebaData b = load_tatoeba(bom);
  REQUIRE(b.pairs.size() == 2);
  CHECK(b.pairs[0].src[0] == "hello");  // no BOM glued to the first token
  write_text(cr, "a b\tc d\re f\tg h\r\ri j\tk l");
  TatoebaData c = load_tatoeba(cr);
  CHECK(c.pairs.size() == 3);
  CHECK(c.counts.lines == 4);
  CHECK(c.counts.blank == 1);
  std::string text;
  for (int i = 0; i < 25; ++i) text += "no tab here\n";
  text += "x\t\n";  // an empty side
  write_text(bad, text);
  TatoebaData w = load_tatoeba(bad);
  CHECK(w.warnings.size() == 11);
  CHECK(w.warnings.back().find("16 more malformed lines not shown (26 in all)") !=
        std::string::npos);
  CHECK(w.counts.no_tab == 25);
  CHECK(w.counts.empty_side == 1);
  CHECK(tokenize("\xEF\xBB\xBFhi there") == std::vector<std::string>{"hi", "there"});
}

TEST_CASE("reliability: a model folder is replaced as a whole (vocabularies and model)") {
  TempDir tmp("folder_swap");
  const std::string dir = tmp.file("m");
  const Splits a = tiny_copy_task(32, 5);
  auto [asv, atv] = build_vocabs(a.train);
  Seq2Seq ma(tiny_model_config(asv.size(), atv.size(), 4, 6));
  save_model(dir, ma, asv, atv);
  // Another vocabulary: more words.
  Vocab bsv = asv, btv = atv;
  for (const char* w : {"p", "q", "r"}) bsv.add(w), btv.add(w);
  Seq2Seq mb(tiny_model_config(bsv.size(), btv.size(), 4, 6));
  check_output_folder(dir, true);
  save_model(dir, mb, bsv, btv, {{"epoch", "2"}});
  LoadedModel lm = load_model(dir);
  CHECK(lm.src_vocab.size() == bsv.size());
  CHECK(lm.model->config().tgt_vocab == btv.size());
  // Nothing but the model's three files and the save's marker, and no temporaries (or
  // lock file) beside the folder.
  CHECK(tmp.listing() == std::vector<std::string>{"m"});
  std::vector<std::string> inside;
  for (const auto& e : fs::directory_iterator(dir)) inside.push_back(e.path().filename().string());
  std::sort(inside.begin(), inside.end());
  CHECK(inside ==
        std::vector<std::string>{".s2s-save", "model.safetensors", "src.vocab", "tgt.vocab"});
  CHECK(folder_holds_model(dir));
}

TEST_CASE("reliability: size estimates track the real parameter count") {
  for (const CellEntry& cell : cell_registry().entries())
    for (bool attention : {false, true})
      for (bool bi : {false, true}) {
        ModelConfig c = tiny_model_config(30, 40, 12, 20);
        c.cell = cell.kind;
        c.attention = attention;
        c.bidirectional = bi;
        c.layers = 2;
        const double real_count = static_cast<double>(Seq2Seq(c).num_parameters());
        const double est = estimate_budget(c).parameters;
        INFO(cell.name, attention ? " attention" : " bottleneck", bi ? " bi" : "");
        CHECK(est >= real_count);      // an upper estimate
        CHECK(est <= 4 * real_count);  // ... of the right size
      }
  CHECK(human_bytes(1.9e12) == "1.9 TB");
}
