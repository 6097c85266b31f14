#pragma once
// `s2s translate --html FILE` and `s2s eval --html FILE`: the attention explorer
// page (seq2seq/plot/html_page.hpp) for the sentences translated or evaluated.
#include <string>
#include <vector>

#include "seq2seq/data/example.hpp"
#include "seq2seq/model/checkpoint.hpp"

namespace s2s::cli {

// Before any work: the page can be written and the model has attention (else s2s::Error).
void check_html_flag(const std::string& path, const LoadedModel* lm = nullptr);

// translate with --html: translates as without it (same output lines), then writes
// the page for the lines translated (at most max_sentences). Returns the exit code.
int translate_with_page(LoadedModel& lm, const std::string* sentence, int beam, bool heatmap,
                        const std::string& path, int64_t max_sentences);

// eval with --html: the page for the first max_sentences test examples.
void eval_page(const LoadedModel& lm, const std::vector<Example>& test, int beam,
               int64_t max_sentences, const std::string& path, const std::string& title);

}  // namespace s2s::cli
