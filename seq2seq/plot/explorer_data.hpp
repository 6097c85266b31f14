#pragma once
// The attention explorer's data: what a model did on some sentences, as JSON for
// the browser page (html_page.hpp). For each sentence the model is run again one
// step at a time on its own output (the same decoder steps that produced it), and
// every attention it has is recorded:
//   encoder-decoder attention a_t (B,S), the input side's too for placement "both";
//   local attention's window [p_t - D, p_t + D];
//   decoder self-attention over d_1..d_{t-1};
// plus, per step, the chosen token's probability and the runners-up; the beam
// tree (beam > 1); the gold alignment and its AER where the data has one.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "seq2seq/data/example.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

struct ExplorerOptions {
  int64_t beam = 1;          // 1: greedy decoding; > 1: beam search, with its tree
  int64_t max_sentences = 100;
  int top_k = 3;             // runners-up shown per step
  double length_alpha = 0.6;
  std::string lang = "en";   // labels' language: en or zh
};

// One explorer: {"title", "model", "beam", "sentences": [...]}. Example::tgt is the
// reference (may be empty), Example::align the gold links (may be empty). Source
// tokens longer than a model can read are the caller's to refuse. Throws s2s::Error
// when the model has no attention.
nlohmann::json explorer_json(const Seq2Seq& model, const Vocab& src_vocab, const Vocab& tgt_vocab,
                             const std::vector<Example>& examples, const std::string& title,
                             const ExplorerOptions& opt = {});

// How many matrix cells the page draws for an explorer (the browser test compares).
int64_t explorer_cells(const nlohmann::json& explorer);

}  // namespace s2s
