// The attention explorer's data and page (seq2seq/plot/explorer_data.hpp,
// html_page.hpp) and the beam search's trace behind its tree.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/decoding/beam_search.hpp"
#include "seq2seq/plot/explorer_data.hpp"
#include "seq2seq/plot/html_page.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;

namespace {

struct Small {
  Splits data;
  Vocab src, tgt;
  Small() {
    TaskConfig tc;
    tc.seed = 5;
    tc.n_train = 100;
    tc.n_valid = 5;
    tc.n_test = 6;
    tc.min_len = 3;
    tc.max_len = 7;
    data = make_task("reverse", tc);  // has gold alignments
    std::tie(src, tgt) = build_vocabs(data.train);
  }
  ModelConfig config() const {
    ModelConfig c;
    c.src_vocab = src.size();
    c.tgt_vocab = tgt.size();
    c.embed = 8;
    c.hidden = 12;
    c.attn.max_src_len = 16;
    return c;
  }
};

}  // namespace

TEST_CASE("beam search: the trace changes nothing and holds at most beam x steps nodes") {
  Small f;
  Seq2Seq model(f.config());
  std::vector<const Example*> ex;
  for (const Example& e : f.data.test) ex.push_back(&e);
  Batch b = make_batch(ex, f.src, f.tgt);
  BeamOptions o{3, 12, 0.6};
  const std::vector<Hypothesis> plain = beam_search(model, b, o);
  std::vector<BeamTree> trees;
  o.trace = &trees;
  const std::vector<Hypothesis> traced = beam_search(model, b, o);
  REQUIRE(trees.size() == plain.size());
  for (size_t i = 0; i < plain.size(); ++i) {
    CHECK(traced[i].tokens == plain[i].tokens);
    CHECK(traced[i].score == plain[i].score);
    const BeamTree& t = trees[i];
    int64_t steps = 0;
    for (const BeamNode& n : t) steps = std::max(steps, n.step + 1);
    CHECK(static_cast<int64_t>(t.size()) <= o.beam_size * steps);
    // The best path spells the returned hypothesis, ending where it ended.
    std::vector<int64_t> path;
    int64_t last = -1;
    for (size_t k = 0; k < t.size(); ++k)
      if (t[k].best && (last < 0 || t[k].step > t[last].step)) last = static_cast<int64_t>(k);
    REQUIRE(last >= 0);
    CHECK(std::abs(t[last].score - plain[i].score) < 1e-9);
    for (int64_t k = last; k >= 0; k = t[k].parent) path.insert(path.begin(), t[k].token);
    if (plain[i].finished) {
      CHECK(t[last].status == BeamNode::Status::finished);
      path.pop_back();  // <eos>
    }
    CHECK(path == plain[i].tokens);
    for (const BeamNode& n : t)
      if (n.parent >= 0) CHECK(t[n.parent].step == n.step - 1);
  }
}

TEST_CASE("explorer: every attention of the model, rows of weights summing to 1") {
  Small f;
  ModelConfig c = f.config();
  c.attn.placement = Placement::both;
  c.attn.self_attention = true;
  Seq2Seq both(c);
  ExplorerOptions o;
  o.beam = 2;
  o.max_sentences = 4;
  const nlohmann::json j = explorer_json(both, f.src, f.tgt, f.data.test, "t", o);
  REQUIRE(j.at("sentences").size() == 4);
  int64_t cells = 0;
  for (const auto& s : j.at("sentences")) {
    const size_t T = s.at("tgt").size(), S = s.at("src").size();
    REQUIRE(s.at("attn").size() == 3);  // output side, input side, self-attention
    CHECK(s.at("steps").size() == T);
    for (const auto& a : s.at("attn")) {
      CHECK(a.at("rows").size() == T);
      for (size_t t = 0; t < T; ++t) {
        const auto& row = a.at("rows")[t];
        cells += static_cast<int64_t>(row.size());
        CHECK(row.size() == (a.at("kind") == "self" ? t : S));
        double sum = 0;
        for (const auto& w : row) sum += w.get<double>();
        if (!row.empty()) CHECK(std::abs(sum - 1) < 2e-3);  // 4 decimals each
      }
    }
    CHECK(s.contains("beam"));
    CHECK(s.contains("aer"));  // the task has gold links
    CHECK(s.at("gold").size() > 0);
  }
  CHECK(explorer_cells(j) == cells);

  c = f.config();
  c.attn.variant = AttentionVariant::local_m;
  Seq2Seq local(c);
  const nlohmann::json l = explorer_json(local, f.src, f.tgt, f.data.test, "t");
  const auto& a = l.at("sentences")[0].at("attn")[0];
  CHECK(a.at("centre").size() == a.at("rows").size());
  CHECK(a.at("window") == c.attn.window);

  c = f.config();
  c.attention = false;
  Seq2Seq none(c);
  CHECK_THROWS_AS(explorer_json(none, f.src, f.tgt, f.data.test, "t"), Error);
}

TEST_CASE("html page: self-contained, data cannot end its script element") {
  HtmlPage p;
  p.title = "a <b>";
  p.lang = "zh";
  p.explorers.push_back({{"title", "</script><script>alert(1)</script>"}, {"sentences", nlohmann::json::array()}});
  const std::string html = html_page(p);
  CHECK(html.find("</script><script>alert") == std::string::npos);
  CHECK(html.find("<\\/script>") != std::string::npos);
  CHECK(html.find("<title>a &lt;b&gt;</title>") != std::string::npos);
  CHECK(html.find("Noto Sans CJK SC") != std::string::npos);  // CJK fonts first for zh
  CHECK(html.find("http") == html.find("http://www.w3.org/2000/svg"));  // no network
  CHECK_THROWS_AS(check_page_path("/nonexistent-folder-s2s/p.html"), Error);
  CHECK_THROWS_AS(check_page_path(""), Error);
}
