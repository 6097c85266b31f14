#include "seq2seq/cli/validate.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <limits>
#include <new>
#include <thread>
#include <unordered_set>

#include "core/error.hpp"
#include "seq2seq/cli_choices.hpp"
#include "seq2seq/data/batch.hpp"
#include "seq2seq/data/cmudict.hpp"
#include "seq2seq/data/read_limits.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/data/tatoeba.hpp"
#include "seq2seq/data/tokenizer.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/decoding/ensemble.hpp"
#include "seq2seq/model/model_budget.hpp"
#include "seq2seq/plot/attention_heatmap.hpp"

namespace s2s::cli {

namespace {

std::string shown(const std::string& s) {
  if (s.empty()) return "nothing";
  return printable(s, 40);
}

// The marker that parse() turns into "--flag must ..." (CLI11 writes "--flag: must ...").
constexpr const char* kMust = "must be ";

}  // namespace

CLI::Validator positive_int(int64_t max_value) {
  return CLI::Validator(
      [max_value](std::string& s) -> std::string {
        bool digits = !s.empty() && s.size() <= 30;
        for (char c : s) digits = digits && c >= '0' && c <= '9';
        if (!digits) return fmt::format("{}a positive integer, got {}", kMust, shown(s));
        const std::string trimmed = s.substr(std::min(s.find_first_not_of('0'), s.size()));
        if (trimmed.empty()) return fmt::format("{}a positive integer, got {}", kMust, s);
        if (trimmed.size() > 19 || std::stoll(trimmed) > max_value)
          return fmt::format("{}a positive integer no larger than {}, got {}", kMust, max_value,
                             shown(s));
        return {};
      },
      "POSITIVE", "positive integer");
}

CLI::Validator positive_real() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        const double x = s.empty() ? NAN : std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(x) || x <= 0 ||
            x > std::numeric_limits<float>::max())
          return fmt::format("{}a positive number, got {}", kMust, shown(s));
        return {};
      },
      "POSITIVE", "positive number");
}

CLI::Validator real_in(double lo, double hi) {
  return CLI::Validator(
      [lo, hi](std::string& s) -> std::string {
        char* end = nullptr;
        const double x = s.empty() ? NAN : std::strtod(s.c_str(), &end);
        // !(lo <= x && x <= hi) also refuses nan, which CLI::Range lets through.
        if (s.empty() || end != s.c_str() + s.size() || !(lo <= x && x <= hi))
          return fmt::format("{}a number from {} to {}, got {}", kMust, lo, hi, shown(s));
        return {};
      },
      fmt::format("[{} - {}]", lo, hi), "number in a range");
}

CLI::Validator seed_value() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        bool digits = !s.empty() && s.size() <= 30;
        for (char c : s) digits = digits && c >= '0' && c <= '9';
        const std::string trimmed = s.substr(std::min(s.find_first_not_of('0'), s.size()));
        const std::string max = "18446744073709551615";
        if (!digits || trimmed.size() > max.size() ||
            (trimmed.size() == max.size() && trimmed > max))
          return fmt::format("{}an integer from 0 to {}, got {}", kMust, max, shown(s));
        return {};
      },
      "SEED", "seed");
}

int parse(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return -1;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string msg = e.what();
    const std::string from = std::string(": ") + kMust;
    if (auto at = msg.find(from); at != std::string::npos)
      msg.replace(at, from.size(), std::string(" ") + kMust);
    fmt::print(stderr, "error: {}\nRun with --help for more information.\n", msg);
    return 2;
  }
}

void check_train_flags(const CLI::App& cmd, const std::string& attention, const TrainConfig& tc) {
  // lr = lr · (min_lr / lr)^x needs 0 < min_lr <= lr.
  if (tc.lr_anneal_hold >= 0 && !(tc.min_lr > 0 && tc.min_lr <= tc.lr))
    throw UsageError(fmt::format(
        "--lr-anneal falls geometrically from --lr to --min-lr, so it needs 0 < --min-lr "
        "<= --lr, got --min-lr {} and --lr {}",
        tc.min_lr, tc.lr));
  if (static_cast<double>(tc.lr) * tc.weight_decay >= 1)
    throw UsageError(fmt::format(
        "--weight-decay {} with --lr {}: each update would shrink the parameters by lr x "
        "weight decay = {:.3g} of themselves, which must be less than 1",
        tc.weight_decay, tc.lr, static_cast<double>(tc.lr) * tc.weight_decay));
  if (attention == "none")
    for (const char* flag : {"--variant", "--placement"})
      if (cmd.count(flag) != 0)
        throw UsageError(fmt::format(
            "{} needs an attention model, but --attention none is the bottleneck model: drop {} "
            "or pick a score function",
            flag, flag));
  const CLI::Option* layers = cmd.get_option("--layers");
  const CLI::Option* dropout = cmd.get_option("--dropout");
  if (dropout->count() > 0 && dropout->as<double>() > 0 &&
      (layers->count() == 0 ? layers->get_default_str() == "1" : layers->as<int64_t>() == 1))
    fmt::print(stderr,
               "warning: --dropout {} has no effect with --layers 1 (dropout acts between "
               "stacked encoder layers)\n",
               dropout->as<std::string>());
}

void check_step_time(const ModelConfig& c, const Vocab& src_vocab, const Vocab& tgt_vocab,
                     int64_t batch, int64_t max_len, double seconds_left) {
  // A probe: one real step (forward and backward) of the same model cut to at most
  // 2 encoder layers, on the same batch size with sources of 2 tokens.
  ModelConfig pc = c;
  pc.layers = std::min<int64_t>(c.layers, 2);
  pc.dropout = pc.embed_dropout = pc.decoder_dropout = 0;
  Seq2Seq probe(pc);
  probe.train();
  Example e;
  e.src = {src_vocab.words().back(), src_vocab.words().back()};
  e.tgt = {tgt_vocab.words().back(), tgt_vocab.words().back()};
  const std::vector<const Example*> examples(static_cast<size_t>(batch), &e);
  const Batch b = make_batch(examples, src_vocab, tgt_vocab);
  // A step's time grows with the sequence's length (the steps of a recurrent net
  // run one after another) and with the number of encoder layers.
  const double length_factor = static_cast<double>(max_len) / static_cast<double>(b.S + 1);
  const double layer_factor = static_cast<double>(c.layers) / static_cast<double>(pc.layers);
  // At most twice, keeping the faster (the first call also pays for warming up), and
  // the second only when the budget has room for it.
  double probe_seconds = INFINITY, seconds = INFINITY, spent = 0;
  for (int i = 0; i < 2; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    ForwardOutput f = probe.forward(b);
    f.loss.backward();
    const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    spent += t;
    probe_seconds = std::min(probe_seconds, t);
    seconds = probe_seconds * std::max(length_factor, 1.0) * layer_factor;
    if (seconds <= seconds_left - spent) return;
    if (seconds_left - spent < 2 * t) break;
  }
  throw Error(fmt::format(
      "one training step would take about {:.1f} s (a probe step of {} layer(s) on sources of {} "
      "tokens took {:.3f} s; × {:.1f} for {} tokens, × {:.0f} for {} layers), more than the {:.1f} "
      "s left of --seconds: raise --seconds, or lower --layers, --hidden, --batch or --max-len",
      seconds, pc.layers, b.S, probe_seconds, length_factor, max_len, layer_factor, c.layers,
      std::max(seconds_left - spent, 0.0)));
}

void add_data_flags(CLI::App* app, DataArgs& d) {
  app->add_option("--task", d.task, task_choices().help)->capture_default_str();
  app->add_option("--tsv", d.tsv,
                  "tab-separated pairs source<TAB>target (Tatoeba format) instead of --task; at "
                  "least " +
                      std::to_string(kMinTsvPairs) + " distinct pairs")
      ->check(CLI::ExistingFile);
  app->add_option("--n-train", d.n_train, "training sentences (generated tasks)")
      ->capture_default_str()
      ->check(positive_int(10'000'000));
  app->add_option("--n-test", d.n_test, "test sentences (generated tasks)")
      ->capture_default_str()
      ->check(positive_int(10'000'000));
  app->add_option("--min-len", d.min_len, "shortest source (tokens)")
      ->capture_default_str()
      ->check(positive_int(1000));
  app->add_option("--max-len", d.max_len, "longest source (tokens)")
      ->capture_default_str()
      ->check(positive_int(1000));
  app->add_option("--data-seed", d.seed, "seed of the generated data")
      ->capture_default_str()
      ->check(seed_value());
  app->add_option("--valid-tsv", d.valid_tsv,
                  "with --tsv and --test-tsv: the validation pairs, in a file of their own (--tsv "
                  "is then all training data, not split)")
      ->check(CLI::ExistingFile);
  app->add_option("--test-tsv", d.test_tsv,
                  app->get_name() == "eval"
                      ? "score every pair of this file (a source listed more than once counts "
                        "right if the output matches any of its targets); without it, the test "
                        "split of --tsv"
                      : "with --tsv and --valid-tsv: the test pairs, in a file of their own")
      ->check(CLI::ExistingFile);
  app->add_option("--dict", d.dict,
                  std::string("--task cmudict: the dictionary, in Festival's format or the plain "
                              "CMUdict format (cmudict-0.7b, cmudict.dict), told apart by its "
                              "content (default ") +
                      kCmudictPath + ", from Debian's festlex-cmu)")
      ->check(CLI::ExistingFile);
  app->add_flag("--stress", d.stress,
                "--task cmudict: keep stress on vowels (iy1); without it stress is removed. "
                "With --tsv only --stress=false is accepted (a file's targets are used as "
                "written), so that a cmudict command line runs on --tsv data");
}

namespace {
// Which data flags apply to which source of data: one table for refusing a
// flag (check_data_flags) and for leaving it out of the command: line
// (unused_data_flags).
//   applies:  used, and printed in the command: line
//   optional: used when given; left out of the command: line unless given
//   refused:  an error when given; never printed
enum class Use { applies, optional, refused };
struct DataFlag {
  const char* name;
  Use generated, cmudict, tsv;
  const char* is_for;  // named in the refusal: "{name} is for {is_for}"
};
constexpr Use A = Use::applies, O = Use::optional, R = Use::refused;
constexpr DataFlag kDataFlags[] = {
    {"--task", A, A, R, "generated tasks"},
    {"--n-train", A, O, R, "generated tasks"},
    {"--n-test", A, O, R, "generated tasks"},
    {"--min-len", A, O, R, "generated tasks"},
    {"--max-len", A, O, A, ""},
    {"--data-seed", A, O, A, ""},
    {"--dict", R, A, R, "--task cmudict"},
    {"--stress", R, A, O, "--task cmudict"},  // with --tsv: --stress=false only (below)
    {"--valid-tsv", R, R, O, "--tsv data"},
    {"--test-tsv", R, R, O, "--tsv data"},
};
Use use_of(const DataFlag& f, const DataArgs& d) {
  if (uses_tsv(d)) return f.tsv;
  return d.task == "cmudict" ? f.cmudict : f.generated;
}
}  // namespace

bool uses_tsv(const DataArgs& d) { return !d.tsv.empty() || !d.test_tsv.empty(); }

void check_data_flags(const CLI::App& cmd, DataArgs& d) {
  for (const DataFlag& f : kDataFlags) {
    if (use_of(f, d) != Use::refused || cmd.count(f.name) == 0) continue;
    if (uses_tsv(d))
      throw UsageError(fmt::format("{} is for {}; it cannot be used with {}", f.name, f.is_for,
                                   d.tsv.empty() ? "--test-tsv" : "--tsv"));
    throw UsageError(fmt::format("{} is for {}, not --task {}", f.name, f.is_for, d.task));
  }
  if (uses_tsv(d) && d.stress)
    throw UsageError(
        "--stress keeps the stress digits of a dictionary's vowels (--task cmudict); a --tsv "
        "file's targets are used as written: drop --stress (--stress=false is accepted)");
  // Separate files: in training, the three go together; eval scores --test-tsv alone.
  const bool eval = cmd.get_name() == "eval";
  if (!d.valid_tsv.empty() && d.test_tsv.empty())
    throw UsageError(
        "--valid-tsv needs --test-tsv (and --tsv): give the three files, or none "
        "and --tsv alone is split 80/10/10");
  if (!eval && !d.test_tsv.empty() && (d.tsv.empty() || d.valid_tsv.empty()))
    throw UsageError(fmt::format(
        "--test-tsv needs {} in training: give the training, validation and test files (--tsv, "
        "--valid-tsv, --test-tsv), or --tsv alone, which is split 80/10/10",
        d.tsv.empty() ? "--tsv and --valid-tsv" : "--valid-tsv"));
  if (!uses_tsv(d)) {
    const std::vector<std::string> tasks = task_choices().names;
    if (std::find(tasks.begin(), tasks.end(), d.task) == tasks.end())
      throw UsageError(fmt::format("unknown task '{}' (choose one of: {})", printable(d.task, 60),
                                   fmt::join(tasks, ", ")));
    // Dates have the lengths of their format, which the length flags cannot change.
    if (d.task == "dates")
      for (const char* flag : {"--min-len", "--max-len"})
        if (cmd.count(flag) != 0)
          throw UsageError(fmt::format(
              "{} does not apply to --task dates (its sources have the lengths of the date "
              "formats): drop it",
              flag));
  }
  if (!uses_tsv(d) && d.task == "cmudict") {
    // The dictionary's own splits: every word unless a size is given.
    if (cmd.count("--n-train") == 0) d.n_train = 0;
    if (cmd.count("--n-test") == 0) d.n_test = 0;
    if (cmd.count("--max-len") == 0) d.max_len = 0;
    if (cmd.count("--min-len") == 0) d.min_len = 1;
    d.n_valid = 0;
  }
  if (d.max_len != 0 && d.min_len > d.max_len)
    throw UsageError(fmt::format("--min-len {} is more than --max-len {}", d.min_len, d.max_len));
  // Generated data: examples × 2 sides × up to --max-len + 2 tokens, ~48 bytes a token.
  if (!uses_tsv(d) && d.task != "cmudict") {
    const double examples = static_cast<double>(d.n_train) + d.n_valid + d.n_test;
    const double bytes = examples * 2 * (d.max_len + 2) * 48;
    const double limit = kDataShare * memory_limit_bytes();
    if (bytes > limit)
      throw UsageError(fmt::format(
          "--n-train {} and --n-test {} with --max-len {}: the data could take up to {} "
          "({:.0f} examples × 2 sides × {} tokens × 48 bytes), more than the limit of {} (a "
          "quarter of the {} this machine allows): lower --n-train, --n-test or --max-len",
          d.n_train, d.n_test, d.max_len, human_bytes(bytes), examples, d.max_len + 2,
          human_bytes(limit), human_bytes(memory_limit_bytes())));
  }
}

std::vector<std::string> unused_data_flags(const CLI::App& cmd, const DataArgs& d) {
  std::vector<std::string> flags;
  for (const DataFlag& f : kDataFlags)
    if (use_of(f, d) != Use::applies && cmd.count(f.name) == 0) flags.emplace_back(f.name);
  if (!uses_tsv(d) && d.task == "dates")  // refused there (check_data_flags): never printed
    for (const char* flag : {"--min-len", "--max-len"}) flags.emplace_back(flag);
  return flags;
}

namespace {
void print_warnings(std::vector<std::string>& warnings) {  // and forgets them
  for (const auto& w : warnings) fmt::print(stderr, "warning: {}\n", w);
  warnings.clear();
}
}  // namespace

Splits load_data(const DataArgs& d, bool need_train) {
  if (uses_tsv(d)) {
    TatoebaOptions o;
    o.max_len = d.max_len;
    o.timeout_seconds = d.timeout_seconds;
    std::vector<std::string> warnings;
    try {
      if (d.test_tsv.empty()) {  // one file, split 80/10/10
        Splits s = load_tsv_splits(d.tsv, o, d.seed, &warnings);
        print_warnings(warnings);
        return s;
      }
      Splits s;
      if (need_train) {
        s.train = load_tsv_file(d.tsv, o, false, "--tsv", &warnings);
        print_warnings(warnings);
        s.valid = load_tsv_file(d.valid_tsv, o, true, "--valid-tsv", &warnings);
        print_warnings(warnings);
      }
      s.test = load_tsv_file(d.test_tsv, o, true, "--test-tsv", &warnings);
      print_warnings(warnings);
      if (need_train) {  // the user's split: say when it is not a clean one
        std::unordered_set<std::string> seen;
        for (const Example& e : s.train) seen.insert(fmt::format("{}", fmt::join(e.src, " ")));
        for (const auto& [split, name] :
             {std::pair{&s.valid, "--valid-tsv"}, {&s.test, "--test-tsv"}}) {
          int64_t shared = 0;
          for (const Example& e : *split)
            shared += seen.count(fmt::format("{}", fmt::join(e.src, " ")));
          if (shared > 0)
            fmt::print(stderr, "warning: {} of the {} sources of {} are in --tsv too (training)\n",
                       shared, split->size(), name);
        }
      }
      return s;
    } catch (const Error&) {
      print_warnings(warnings);
      throw;
    }
  }
  TaskConfig tc;
  tc.dict = d.dict;
  tc.timeout_seconds = d.timeout_seconds;
  tc.stress = d.stress;
  tc.seed = d.seed;
  tc.n_train = d.n_train;
  tc.n_valid = d.n_valid;
  tc.n_test = d.n_test;
  tc.min_len = d.min_len;
  tc.max_len = d.max_len;
  tc.note = [](const std::string& line) { fmt::print("data: {}\n", line); };
  return make_task(d.task, tc);
}

bool letters_in(const DataArgs& d, const std::vector<Example>& test) {
  if (!uses_tsv(d)) return d.task == "cmudict";
  if (test.empty()) return false;
  for (const Example& e : test)
    for (const std::string& t : e.src)
      if (t.size() != 1) return false;
  return true;
}

int64_t count_unknown(const Vocab& v, const std::vector<std::string>& tokens) {
  int64_t n = 0;
  for (const auto& t : tokens) n += !v.contains(t);
  return n;
}

double warn_coverage(int64_t tokens, int64_t unknown, const std::string& what) {
  if (tokens <= 0) return 1;
  const double covered = 1 - static_cast<double>(unknown) / static_cast<double>(tokens);
  if (covered < 0.5)
    fmt::print(stderr,
               "warning: the model's {} vocabulary covers only {:.0f}% of the input's tokens ({} "
               "of {} unknown): is this the data the model was trained on?\n",
               what, 100 * covered, unknown, tokens);
  return covered;
}

void warn_coverage(const LoadedModel& lm, const std::vector<Example>& test) {
  int64_t src_tokens = 0, src_unknown = 0, tgt_tokens = 0, tgt_unknown = 0;
  for (const Example& e : test) {
    src_tokens += static_cast<int64_t>(e.src.size());
    src_unknown += count_unknown(lm.src_vocab, e.src);
    tgt_tokens += static_cast<int64_t>(e.tgt.size());
    tgt_unknown += count_unknown(lm.tgt_vocab, e.tgt);
  }
  warn_coverage(src_tokens, src_unknown, "source");
  warn_coverage(tgt_tokens, tgt_unknown, "target");
}

int cap_beam(int beam, const Vocab& tgt_vocab) {
  const int cap = static_cast<int>(std::min<int64_t>(kMaxBeam, tgt_vocab.size()));
  if (beam <= cap) return beam;
  fmt::print(stderr,
             "note: --beam {} capped at {} (the beam is at most the target vocabulary's {} "
             "words, and at most {})\n",
             beam, cap, tgt_vocab.size(), kMaxBeam);
  return cap;
}

namespace {

// A model whose source words are all single characters (the cmudict task: letters
// in, phones out) reads a line as one word, letter by letter.
bool reads_letters(const Vocab& v) {
  for (const std::string& w : v.words())
    if (w.size() != 1 && !(w.front() == '<' && w.back() == '>')) return false;
  return true;
}
// The line's characters without white space, upper-case ASCII lowered when the
// model only knows the lower-case letter ("Phoenix" -> p h o e n i x).
std::vector<std::string> letters_of(const std::string& text, const Vocab& v) {
  std::vector<std::string> out;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    std::string t(1, c);
    const std::string lower(1, static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    out.push_back(!v.contains(t) && v.contains(lower) ? lower : t);
  }
  return out;
}

struct Translator {
  // One model, or an ensemble sharing the first one's vocabularies.
  const std::vector<const LoadedModel*>& models;
  int beam;
  bool heatmap;
  std::string note;  // heads each heatmap ("" for one model)
  const LoadedModel& lm = *models.front();
  bool letters = reads_letters(lm.src_vocab);
  int64_t tokens = 0, unknown = 0, failed = 0, written = 0;
  std::vector<std::string> letters_of(const std::string& text) const {
    return ::s2s::cli::letters_of(text, lm.src_vocab);
  }

  // One line in, exactly one line out (plus the heatmap when asked).
  void line(std::string text, int64_t number) {
    if (!text.empty() && text.back() == '\r') text.pop_back();  // CRLF input
    try {
      Example e;
      e.src = letters ? letters_of(text) : tokenize(text);
      if (e.src.empty()) {
        fmt::print("\n");
        return;
      }
      const int64_t S = static_cast<int64_t>(e.src.size());
      S2S_CHECK(S <= kMaxTranslateTokens, "{} tokens, more than the limit of {}", S,
                kMaxTranslateTokens);
      for (const LoadedModel* m : models) {
        const ModelConfig& c = m->model->config();
        S2S_CHECK(!(c.attention && c.attn.score == "location" && S > c.attn.max_src_len),
                  "{} tokens, more than this model's limit of {} (its location score knows "
                  "positions up to max_src_len only)",
                  S, c.attn.max_src_len);
      }
      tokens += S;
      unknown += count_unknown(lm.src_vocab, e.src);
      e.tgt = {"<unk>"};
      Batch b = make_batch({&e}, lm.src_vocab, lm.tgt_vocab);
      Ensemble ensemble;
      for (const LoadedModel* m : models) ensemble.push_back(m->model.get());
      Hypothesis h = beam_search(ensemble, b, {beam, max_output_tokens(S), 0.6}).front();
      std::vector<std::string> words = lm.tgt_vocab.decode(h.tokens);
      std::string out = detokenize(words) + "\n";  // all of it first: one line or none
      if (heatmap && !h.weights.empty()) {
        // A row per produced token (specials too: an under-trained model may emit <pad>),
        // and one for <eos> unless the length cap came first.
        std::vector<std::string> rows = lm.tgt_vocab.decode(h.tokens, false);
        if (h.finished) rows.push_back("<eos>");
        const int64_t n = std::min<int64_t>(h.weights.size(0), static_cast<int64_t>(rows.size()));
        rows.resize(static_cast<size_t>(n));
        out += note + attention_terminal(h.weights.slice(0, 0, n), e.src, rows);
      }
      emit(out);
    } catch (const OutputError&) {
      throw;
    } catch (const std::exception& ex) {
      fail(number, ex.what());
    }
  }

  void fail(int64_t number, const std::string& why) {
    ++failed;
    emit("\n");
    fmt::print(stderr, "error: line {}: cannot translate: {}\n", number, why);
  }

  // Writes and flushes; a write error stops the run with its cause.
  void emit(const std::string& text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
        std::fflush(stdout) != 0) {
      const int err = errno;
      throw OutputError(fmt::format("cannot write the output: {} (after {} complete translations)",
                                    std::strerror(err), written));
    }
    ++written;
  }

  int finish(int64_t lines) {
    warn_coverage(tokens, unknown, "source");
    if (failed == 0) return 0;
    fmt::print(stderr, "error: {} of {} lines could not be translated\n", failed, lines);
    return 1;
  }
};

}  // namespace

int translate_lines(LoadedModel& lm, std::istream& in, int beam, bool heatmap) {
  return translate_lines(std::vector<const LoadedModel*>{&lm}, in, beam, heatmap);
}

int translate_lines(const std::vector<const LoadedModel*>& models, std::istream& in, int beam,
                    bool heatmap, const std::string& note) {
  Translator t{models, beam, heatmap, note};
  const int64_t max_line = line_limit_bytes(kMaxTranslateTokens);
  std::string text;
  int64_t n = 0, line_bytes = 0;  // line_bytes: the current line's, kept or not
  auto end_line = [&] {
    if (line_bytes > max_line)
      t.fail(n + 1, fmt::format("the line is {} bytes, more than the limit of {} ({} bytes × the "
                                "{}-token limit + 1024; a fixed limit)",
                                line_bytes, max_line, kLineBytesPerToken, kMaxTranslateTokens));
    else
      t.line(n == 0 && text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? text.substr(3) : text, n + 1);
    ++n;
    text.clear();
    line_bytes = 0;
  };
  // Lines end in \n, \r\n or a lone \r (old Mac files). A line over the limit is
  // not kept; it is skipped to its end, for at most kMaxSkipBytes.
  std::streambuf* buf = in.rdbuf();  // byte by byte, without a sentry per byte
  bool pending = false;
  for (int ch; (ch = buf->sbumpc()) != std::char_traits<char>::eof();) {
    const char c = static_cast<char>(ch);
    if (c == '\n' || c == '\r') {
      if (c == '\r' && buf->sgetc() == '\n') buf->sbumpc();
      end_line();
      pending = false;
      continue;
    }
    if (++line_bytes <= max_line) text.push_back(c);
    if (line_bytes > max_line && text.size() > 0) std::string().swap(text);
    if (line_bytes > kMaxSkipBytes) {
      t.fail(n + 1, fmt::format("no end of line after {} bytes: stopping (is the input a binary "
                                "file?)",
                                kMaxSkipBytes));
      return t.finish(n + 1);
    }
    pending = true;
  }
  if (pending) end_line();
  return t.finish(n);
}

std::vector<std::string> source_tokens(const LoadedModel& lm, const std::string& line) {
  return reads_letters(lm.src_vocab) ? letters_of(line, lm.src_vocab) : tokenize(line);
}

int translate_sentence(LoadedModel& lm, const std::string& sentence, int beam, bool heatmap) {
  return translate_sentence(std::vector<const LoadedModel*>{&lm}, sentence, beam, heatmap);
}

int translate_sentence(const std::vector<const LoadedModel*>& models, const std::string& sentence,
                       int beam, bool heatmap, const std::string& note) {
  Translator t{models, beam, heatmap, note};
  t.line(sentence, 1);
  return t.finish(1);
}

std::string command_line(const CLI::App& cmd, const std::vector<std::string>& skip) {
  std::string line = "s2s " + cmd.get_name();
  for (const CLI::Option* opt : cmd.get_options()) {
    if (opt->get_lnames().empty()) continue;  // positional
    const std::string flag = "--" + opt->get_lnames()[0];
    if (flag == "--help" || std::find(skip.begin(), skip.end(), flag) != skip.end()) continue;
    const bool is_flag = opt->get_expected_min() == 0;
    std::string value = opt->count() > 0 ? opt->as<std::string>() : opt->get_default_str();
    if (is_flag && value.empty()) value = "false";
    if (value.empty()) continue;
    const bool plain = value.find_first_of(" \t'\"\\$`") == std::string::npos;
    if (!plain) {  // single quotes for the shell, with ' written as '\''
      std::string q = "'";
      for (char c : value) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
      value = q + "'";
    }
    line += is_flag ? fmt::format(" {}={}", flag, value) : fmt::format(" {} {}", flag, value);
  }
  return line;
}

void apply_recipe(CLI::App& cmd, const std::vector<RecipeSetting>& recipe) {
  for (const RecipeSetting& r : recipe) {
    CLI::Option* opt = cmd.get_option(r.flag);
    if (opt->count() == 0) opt->default_val(std::string(r.value));
  }
}

}  // namespace s2s::cli
