#include "seq2seq/data/task.hpp"

#include <unordered_set>

#include "core/error.hpp"
#include "seq2seq/data/cmudict.hpp"
#include "seq2seq/data/dates.hpp"
#include "seq2seq/data/synthetic_tasks.hpp"
#include "seq2seq/data/toy_translation.hpp"

namespace s2s {

namespace {
Splits make_toy(const TaskConfig& cfg) {
  ToyConfig t;
  t.seed = cfg.seed;
  t.n_train = cfg.n_train;
  t.n_valid = cfg.n_valid;
  t.n_test = cfg.n_test;
  t.min_len = cfg.min_len;
  t.max_len = cfg.max_len;
  return make_toy_translation(t);
}
Splits make_cmudict(const TaskConfig& cfg) {
  CmudictOptions o;
  o.timeout_seconds = cfg.timeout_seconds;
  o.stress = cfg.stress;
  o.max_len = cfg.max_len;
  o.first_only = cfg.first_pronunciation;
  CmudictStats st;
  Splits s = load_cmudict(cfg.dict.empty() ? kCmudictPath : cfg.dict, o, &st);
  if (cfg.note) cfg.note(st.summary());
  auto keep = [](std::vector<Example>& v, int n) {
    if (n > 0 && static_cast<int>(v.size()) > n) v.resize(static_cast<size_t>(n));
  };
  keep(s.train, cfg.n_train);
  keep(s.valid, cfg.n_valid);
  keep(s.test, cfg.n_test);
  return s;
}
}  // namespace

const Registry<TaskEntry>& task_registry() {
  static const Registry<TaskEntry> r(
      "task", {{"copy", "copy a sequence of symbols (diagonal alignment)", make_copy},
               {"reverse", "reverse a sequence of symbols (anti-diagonal alignment)", make_reverse},
               {"sort", "sort a sequence of symbols", make_sort},
               {"dates", "human-written dates -> ISO 2024-03-07", make_dates},
               {"toy_en_es", "toy English -> Spanish translation with gold alignments", make_toy},
               {"cmudict",
                "English pronunciation: letters -> phones from the CMU dictionary (real data; "
                "festlex-cmu or --dict)",
                make_cmudict},
               {"repeat", "the source twice: a c b -> a c b a c b (the target repeats itself)",
                make_repeat}});
  return r;
}

Splits make_task(const std::string& name, const TaskConfig& cfg) {
  return task_registry().find(name).make(cfg);
}

std::vector<std::string> task_names() { return task_registry().names(); }

Splits draw_unique_splits(const std::function<Example(Rng&)>& draw, uint64_t seed, int n_train,
                          int n_valid, int n_test, const std::string& task) {
  S2S_CHECK(n_train >= 0 && n_valid >= 0 && n_test >= 0,
            "{}: split sizes must be >= 0, got train={} valid={} test={}", task, n_train, n_valid,
            n_test);
  const size_t total = static_cast<size_t>(n_train) + n_valid + n_test;
  Rng rng(seed);
  std::unordered_set<std::string> seen;  // sources joined by spaces
  std::vector<Example> all;
  all.reserve(total);
  // Give up after many fruitless draws rather than loop forever.
  const size_t max_draws = 50 * total + 1000;
  for (size_t d = 0; d < max_draws && all.size() < total; ++d) {
    Example ex = draw(rng);
    std::string key = fmt::format("{}", fmt::join(ex.src, " "));
    if (seen.insert(key).second) all.push_back(std::move(ex));
  }
  S2S_CHECK(all.size() == total,
            "{}: could only make {} distinct examples of the {} requested; allow longer "
            "sentences or a bigger alphabet",
            task, all.size(), total);
  Splits s;
  auto it = all.begin();
  s.train.assign(std::make_move_iterator(it), std::make_move_iterator(it + n_train));
  it += n_train;
  s.valid.assign(std::make_move_iterator(it), std::make_move_iterator(it + n_valid));
  it += n_valid;
  s.test.assign(std::make_move_iterator(it), std::make_move_iterator(it + n_test));
  return s;
}

}  // namespace s2s
