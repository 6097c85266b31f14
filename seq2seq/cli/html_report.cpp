#include "seq2seq/cli/html_report.hpp"

#include <fmt/format.h>

#include <iostream>
#include <streambuf>

#include "seq2seq/cli/validate.hpp"
#include "seq2seq/plot/explorer_data.hpp"
#include "seq2seq/plot/html_page.hpp"

namespace s2s::cli {

void check_html_flag(const std::string& path, const LoadedModel* lm) {
  check_page_path(path);
  if (lm)
    S2S_CHECK(lm->model->config().attention,
              "--html shows attention, and this model ({}) has none: it is a bottleneck "
              "encoder-decoder",
              lm->model->describe());
}

namespace {

// Passes a stream through unchanged (translate still answers line by line) and keeps
// a copy of its first `limit` bytes, the lines the page can show.
class CopyingBuf : public std::streambuf {
 public:
  CopyingBuf(std::streambuf* from, std::string& copy, size_t limit)
      : from_(from), copy_(copy), limit_(limit) {}
  bool truncated() const { return truncated_; }

 protected:
  int_type underflow() override {
    const int_type c = from_->sbumpc();
    if (traits_type::eq_int_type(c, traits_type::eof())) return c;
    ch_ = traits_type::to_char_type(c);
    if (copy_.size() < limit_)
      copy_.push_back(ch_);
    else
      truncated_ = true;
    setg(&ch_, &ch_, &ch_ + 1);
    return c;
  }

 private:
  std::streambuf* from_;
  std::string& copy_;
  size_t limit_;
  char ch_ = 0;
  bool truncated_ = false;
};

}  // namespace

int translate_with_page(LoadedModel& lm, const std::string* sentence, int beam, bool heatmap,
                        const std::string& path, int64_t max_sentences) {
  std::string text;
  int rc;
  if (sentence) {
    text = *sentence;
    rc = translate_sentence(lm, text, beam, heatmap);
  } else {
    // At most max_sentences lines of kMaxTranslateTokens tokens reach the page: bounded.
    CopyingBuf copy(std::cin.rdbuf(), text, static_cast<size_t>(max_sentences) * 4096);
    std::istream in(&copy);
    rc = translate_lines(lm, in, beam, heatmap);
    if (copy.truncated()) {  // the last line kept may be cut: leave it out
      const size_t end = text.find_last_of("\r\n");
      text.resize(end == std::string::npos ? 0 : end + 1);
    }
  }
  // The same lines translate read (\n, \r\n or \r); the ones it could translate.
  std::vector<Example> examples;
  std::string line;
  auto take = [&] {
    if (line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
    Example e;
    e.src = source_tokens(lm, line);
    const ModelConfig& c = lm.model->config();
    const int64_t S = std::ssize(e.src);
    if (S > 0 && S <= kMaxTranslateTokens && !(c.attn.score == "location" && S > c.attn.max_src_len) &&
        std::ssize(examples) < max_sentences)
      examples.push_back(std::move(e));
    line.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      take();
    } else {
      line.push_back(text[i]);
    }
  }
  if (!line.empty()) take();
  ExplorerOptions opt;
  opt.beam = beam;
  opt.max_sentences = max_sentences;
  const nlohmann::json ex = explorer_json(*lm.model, lm.src_vocab, lm.tgt_vocab, examples,
                                          "s2s translate", opt);
  HtmlPage page;
  page.title = "s2s translate: attention explorer";
  page.body = "<h1>" + html_escape(page.title) + "</h1>\n";
  page.explorers.push_back(ex);
  write_page(path, html_page(page));
  fmt::print(stderr, "wrote {} ({} sentences)\n", path, ex.at("sentences").size());
  return rc;
}

void eval_page(const LoadedModel& lm, const std::vector<Example>& test, int beam,
               int64_t max_sentences, const std::string& path, const std::string& title) {
  ExplorerOptions opt;
  opt.beam = beam;
  opt.max_sentences = max_sentences;
  const nlohmann::json ex =
      explorer_json(*lm.model, lm.src_vocab, lm.tgt_vocab, test, title, opt);
  HtmlPage page;
  page.title = "s2s eval: attention explorer";
  page.body = "<h1>" + html_escape(page.title) + "</h1>\n";
  page.explorers.push_back(ex);
  write_page(path, html_page(page));
  fmt::print("html: {} ({} test sentences)\n", path, ex.at("sentences").size());
}

}  // namespace s2s::cli
