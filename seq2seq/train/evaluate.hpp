#pragma once
// Evaluation: decode a set of examples and score the outputs, overall and per
// source-length bucket (the lecture's "accuracy vs sentence length").
//
// Several references: an example's right targets are tgt and its other_tgts (a
// word's pronunciations). Each output is scored against the closest of them, the
// one at the smallest edit distance (the first listed on a tie): exact match is
// then "matches any reference" (WER counts a word wrong only if it matches none),
// and the token error rate (PER) uses the closest reference, as do token accuracy
// and BLEU. The loss is teacher-forced over every reference (each a pair). The
// same scores against the first reference only are kept too, to show the effect.
#include <string>
#include <vector>

#include "seq2seq/data/example.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/decoding/ensemble.hpp"
#include "seq2seq/decoding/hypothesis.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

struct EvalOptions {
  int64_t batch_size = 64;
  int64_t max_len = 0;    // 0: 2 × the longest reference + 5
  int64_t beam_size = 1;  // 1: greedy
  double length_alpha = 0.6;
  std::vector<int> bucket_edges = {5, 10, 15, 20, 30, 40};  // upper bounds of source-length buckets
  // Time budget: stop after the batch that passes it and score the examples done
  // so far (at least one batch). 0: no limit.
  double max_seconds = 0;
};

struct BucketScores {
  std::string label;  // "1-5", "6-10", ...
  int64_t count = 0;
  double exact = 0, token_acc = 0, bleu = 0;
  double error_rate = 0;  // token error rate (edit distance per reference token)
};

struct EvalResult {
  double loss = 0, perplexity = 0;  // teacher-forced, per real target token
  double token_acc = 0, exact = 0, bleu = 0;
  double error_rate = 0;  // token error rate: Σ edit distance / Σ reference length (PER on phones)
  double aer = -1;        // alignment error rate vs gold; -1 without attention or gold links
  // Against each example's first reference only (tgt), as if it had no other:
  double exact_first = 0, error_rate_first = 0;
  int64_t several_refs = 0;  // examples scored that have more than one reference
  std::vector<BucketScores> buckets;
  std::vector<Hypothesis> outputs;  // one per example evaluated, in order
  int64_t evaluated = 0;            // examples scored (fewer than given when out of time)
};

EvalResult evaluate(const Seq2Seq& model, const std::vector<Example>& examples,
                    const Vocab& src_vocab, const Vocab& tgt_vocab, const EvalOptions& opts = {});
// An ensemble (decoding/ensemble.hpp), all models on the same vocabularies: the
// outputs are the ensemble's; the loss is the mean of the models' losses, which is
// −(1/N) Σ_t log p̄(y_t | y_<t, x), the reference scored as the search scores it.
// With one model, exactly evaluate(model, ...).
EvalResult evaluate(const Ensemble& models, const std::vector<Example>& examples,
                    const Vocab& src_vocab, const Vocab& tgt_vocab, const EvalOptions& opts = {});

// A plain-text table of per-bucket scores; `error_name` heads the token error
// rate column ("PER" for phones), "" leaves that column out.
std::string bucket_table(const EvalResult& r, const std::string& error_name = "");

}  // namespace s2s
