// Metrics against hand-computed values.
#include <doctest/doctest.h>

#include <cmath>

#include "core/error.hpp"
#include "seq2seq/metrics/accuracy.hpp"
#include "seq2seq/metrics/alignment.hpp"
#include "seq2seq/metrics/bleu.hpp"
#include "seq2seq/metrics/bucket_report.hpp"

using namespace s2s;

namespace {
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}
}  // namespace

TEST_CASE("metrics: token accuracy, exact match, perplexity") {
  std::vector<std::vector<int64_t>> ref = {{5, 6, 2}, {7, 2}};
  std::vector<std::vector<int64_t>> pred = {{5, 9, 2, 4}, {7}};
  // Row 1: 5 ok, 9 wrong, 2 ok (extra 4 ignored). Row 2: 7 ok, missing <eos> wrong.
  AccuracyCounts c = token_accuracy_counts(pred, ref);
  CHECK(c.correct == 3);
  CHECK(c.total == 5);
  CHECK(token_accuracy(pred, ref) == doctest::Approx(0.6));
  CHECK(exact_match(pred, ref) == 0.0);
  CHECK(exact_match(ref, ref) == 1.0);
  CHECK(exact_match(std::vector<std::vector<std::string>>{{"a"}, {"b"}},
                    std::vector<std::vector<std::string>>{{"a"}, {"c"}}) == 0.5);
  // Three tokens each with p = 1/4: NLL = 3 ln 4, perplexity = 4.
  CHECK(perplexity(3 * std::log(4.0), 3) == doctest::Approx(4.0));
  CHECK_THROWS_WITH_AS(perplexity(1.0, 0), doctest::Contains("positive token count, got 0"), Error);
  CHECK_THROWS_WITH_AS(token_accuracy(pred, {{1}}), doctest::Contains("2 predictions but 1"),
                       Error);
}

TEST_CASE("metrics: BLEU perfect match is 1") {
  auto h = words("the cat sat on the mat");
  BleuScore s = corpus_bleu({h}, {h});
  CHECK(s.bleu == doctest::Approx(1.0));
  CHECK(s.brevity_penalty == doctest::Approx(1.0));
  CHECK(s.totals[3] == 3);
}

TEST_CASE("metrics: BLEU hand-computed example") {
  // hyp: the cat sat on the mat      ref: the cat sat on a mat
  // 1-grams: the(2, clipped to 1) cat sat on mat        -> 5/6
  // 2-grams: the-cat cat-sat sat-on | on-the the-mat    -> 3/5
  // 3-grams: the-cat-sat cat-sat-on | sat-on-the on-the-mat -> 2/4
  // 4-grams: the-cat-sat-on | cat-sat-on-the sat-on-the-mat -> 1/3
  // c = r = 6 -> BP = 1;  BLEU = (5/6 * 3/5 * 2/4 * 1/3)^(1/4) = (1/12)^(1/4) = 0.537285
  BleuScore s = corpus_bleu({words("the cat sat on the mat")}, {words("the cat sat on a mat")});
  CHECK(s.matches == std::array<int64_t, 4>{5, 3, 2, 1});
  CHECK(s.totals == std::array<int64_t, 4>{6, 5, 4, 3});
  CHECK(s.precisions[0] == doctest::Approx(5.0 / 6));
  CHECK(s.brevity_penalty == doctest::Approx(1.0));
  CHECK(s.bleu == doctest::Approx(std::pow(1.0 / 12, 0.25)));
  CHECK(s.bleu == doctest::Approx(0.537285).epsilon(1e-5));
}

TEST_CASE("metrics: BLEU is 0 without 4-gram overlap") {
  // hyp: the cat sat on the mat   ref: the cat is on the mat
  // p1 = 5/6, p2 = 3/5, p3 = 1/4 (on-the-mat), p4 = 0/3 -> BLEU = 0
  BleuScore s = corpus_bleu({words("the cat sat on the mat")}, {words("the cat is on the mat")});
  CHECK(s.matches == std::array<int64_t, 4>{5, 3, 1, 0});
  CHECK(s.bleu == 0.0);
  // With bigrams only: sqrt(5/6 * 3/5) = sqrt(1/2)
  CHECK(corpus_bleu({words("the cat sat on the mat")}, {words("the cat is on the mat")}, 2).bleu ==
        doctest::Approx(std::sqrt(0.5)));
}

TEST_CASE("metrics: BLEU brevity penalty and corpus sums") {
  // hyp: the cat sat on (c = 4)   ref: the cat sat on the mat (r = 6)
  // all precisions 1; BP = exp(1 - 6/4) = exp(-0.5) = 0.606531
  BleuScore s = corpus_bleu({words("the cat sat on")}, {words("the cat sat on the mat")});
  CHECK(s.hyp_len == 4);
  CHECK(s.ref_len == 6);
  CHECK(s.brevity_penalty == doctest::Approx(std::exp(-0.5)));
  CHECK(s.bleu == doctest::Approx(0.606531).epsilon(1e-5));
  // Corpus level: counts are summed before dividing (not an average of sentence scores).
  BleuScore c = corpus_bleu({words("the cat sat on"), words("the cat sat on the mat")},
                            {words("the cat sat on the mat"), words("the cat sat on a mat")});
  CHECK(c.matches[0] == 4 + 5);
  CHECK(c.totals[3] == 1 + 3);
  CHECK(c.brevity_penalty == doctest::Approx(1.0 * std::exp(1.0 - 12.0 / 10)));
  // Ids work the same way.
  CHECK(corpus_bleu(std::vector<std::vector<int64_t>>{{4, 5, 6, 7}},
                    std::vector<std::vector<int64_t>>{{4, 5, 6, 7}})
            .bleu == doctest::Approx(1.0));
  CHECK_THROWS_WITH_AS(corpus_bleu({words("a")}, {}), doctest::Contains("1 hypotheses but 0"),
                       Error);
}

TEST_CASE("metrics: alignment error rate and attention argmax") {
  Links gold = {{0, 0}, {1, 1}, {2, 1}};
  Links pred = {{0, 0}, {1, 1}, {1, 2}};
  // |A ∩ G| = 2, |A| = |G| = 3: AER = 1 - 4/6 = 1/3
  CHECK(alignment_error_rate(pred, gold) == doctest::Approx(1.0 / 3));
  CHECK(alignment_error_rate(gold, gold) == 0.0);
  CHECK(alignment_error_rate({{5, 5}}, gold) == 1.0);
  // Corpus: (2 + 3) shared, (3 + 3) + (3 + 3) links -> 1 - 10/12
  CHECK(corpus_aer({pred, gold}, {gold, gold}) == doctest::Approx(1.0 - 10.0 / 12));

  // attn (T=3, S=3): rows are target tokens; the last column is padding.
  Tensor attn = Tensor::from({3, 3}, {0.7, 0.2, 0.1,    //
                                      0.1, 0.3, 0.6,    //
                                      0.5, 0.4, 0.1});  // third row: <eos>
  Links a = alignment_from_attention(attn, /*src_len=*/2, /*tgt_len=*/2);
  CHECK(a == Links{{0, 0}, {1, 1}});  // row 1's max (col 2) is padding, ignored
  CHECK(alignment_from_attention(attn).size() == 3);
  CHECK_THROWS_WITH_AS(alignment_from_attention(Tensor::zeros({3})),
                       doctest::Contains("expected (T,S) weights"), Error);
}

TEST_CASE("metrics: bucket report aggregates per length bucket") {
  BucketReport rep({5, 10});
  rep.add(3, 1);  // exact match hits/misses
  rep.add(4, 0);
  rep.add(8, 1);
  rep.add(12, 3, 4);  // or ratios: 3 of 4 tokens right
  auto rows = rep.rows();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].label == "1-5");
  CHECK(rows[0].count == 2);
  CHECK(rows[0].value == doctest::Approx(0.5));
  CHECK(rows[1].value == doctest::Approx(1.0));
  CHECK(rows[2].label == "11+");
  CHECK(rows[2].value == doctest::Approx(0.75));
  std::string t = rep.table("exact match");
  CHECK(t.find("exact match") != std::string::npos);
  CHECK(t.find("0.7500") != std::string::npos);
}

TEST_CASE("edit distance and token error rate (PER on phones)") {
  using V = std::vector<int64_t>;
  CHECK(s2s::edit_distance(V{}, V{}) == 0);
  CHECK(s2s::edit_distance(V{1, 2, 3}, V{1, 2, 3}) == 0);
  CHECK(s2s::edit_distance(V{1, 3}, V{1, 2, 3}) == 1);        // one deletion
  CHECK(s2s::edit_distance(V{1, 2, 4, 3}, V{1, 2, 3}) == 1);  // one insertion
  CHECK(s2s::edit_distance(V{1, 9, 3}, V{1, 2, 3}) == 1);     // one substitution
  CHECK(s2s::edit_distance(V{3, 2, 1}, V{1, 2, 3}) == 2);
  CHECK(s2s::edit_distance(V{}, V{1, 2}) == 2);
  // (1 + 0) errors over (3 + 2) reference tokens.
  CHECK(s2s::token_error_rate({V{1, 3}, V{5, 6}}, {V{1, 2, 3}, V{5, 6}}) == doctest::Approx(0.2));
}
