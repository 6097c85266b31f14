#pragma once
// The attention explorer on a tutorial's web page (lesson_page.hpp): a trained
// model's weights on test sentences, as JSON for the page. Separate from
// common.hpp so that tutorials without a sequence-to-sequence model do not
// include the model stack.
#include <string>
#include <vector>

#include "lesson_page.hpp"
#include "seq2seq/plot/explorer_data.hpp"

namespace tutorial {

// The attention explorer on `examples` (their tgt as the reference, align as gold
// links). side_by_side: this tutorial's explorers are laid out in a row.
inline void explore(const std::string& lang, const std::string& title, const s2s::Seq2Seq& model,
                    const s2s::Vocab& sv, const s2s::Vocab& tv,
                    const std::vector<s2s::Example>& examples, int64_t max_sentences = 8,
                    int64_t beam = 1, bool side_by_side = false) {
  s2s::ExplorerOptions opt;
  opt.beam = beam;
  opt.max_sentences = max_sentences;
  opt.lang = lang;
  page_log().explorers.push_back(s2s::explorer_json(model, sv, tv, examples, title, opt));
  page_log().side_by_side = side_by_side;
}

}  // namespace tutorial
