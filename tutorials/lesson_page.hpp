#pragma once
// Every tutorial's web page, out/<tutorial>/index.html: its narration in the
// language chosen, the claims and invariants as a table, its figures inline and,
// in the tutorials that train a sequence-to-sequence model, the attention
// explorer on test sentences (seq2seq/plot/explorer_data.hpp). One self-contained
// file (seq2seq/plot/html_page.hpp). The parent folder gets an index.html linking
// the tutorials run so far, in the lecture's (numbered) order.
//
// Lesson (common.hpp) records into page_log() as it prints; a tutorial that trains
// a model adds an explorer with tutorial::explore(...) (lesson_explorer.hpp);
// Lesson::finish() writes the pages. This header needs no model: the explorers
// arrive here as JSON.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "seq2seq/plot/html_page.hpp"
#include "seq2seq/plot/write_file.hpp"

namespace tutorial {

struct PageClaim {
  std::string id, kind, text, op;
  double value = 0, threshold = 0;
  bool ok = false;
};

// What the page shows, in the order the tutorial printed it.
struct PageLog {
  std::string html;          // narration so far
  std::string pending_claim; // the text of the claim being recorded
  std::vector<PageClaim> claims;
  std::vector<nlohmann::json> explorers;
  bool side_by_side = false;
};
inline PageLog& page_log() {
  static PageLog log;
  return log;
}

inline void page_heading(const std::string& text) {
  page_log().html += "<h2>" + s2s::html_escape(text) + "</h2>\n";
}
inline void page_text(const std::string& text) {
  page_log().html += "<pre class=\"narration\">" + s2s::html_escape(text) + "</pre>\n";
}
inline void page_table(const std::string& text) {
  page_log().html += "<pre class=\"table\">" + s2s::html_escape(text) + "</pre>\n";
}
// A claim or invariant line: its text first (page_claim_text), then its numbers (page_claim).
inline void page_claim_text(const std::string& text) { page_log().pending_claim = text; }
inline void page_claim(const std::string& id, const std::string& kind, double value,
                       const std::string& op, double threshold, bool ok) {
  PageLog& p = page_log();
  p.claims.push_back({id, kind, p.pending_claim, op, value, threshold, ok});
  p.html += fmt::format("<pre class=\"narration\"><span class=\"{}\">{}</span> {}</pre>\n",
                        ok ? "held" : "failed", ok ? "&#10003;" : "&#10007;",
                        s2s::html_escape(p.pending_claim));
  p.pending_claim.clear();
}

namespace page_detail {

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The <title> of a page written by write_lesson_page.
inline std::string title_of(const std::filesystem::path& page) {
  std::ifstream f(page, std::ios::binary);
  std::string head(4096, '\0');
  f.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(f.gcount()));
  const auto a = head.find("<title>"), b = head.find("</title>");
  return a == std::string::npos || b == std::string::npos ? page.parent_path().filename().string()
                                                          : head.substr(a + 7, b - a - 7);
}

// The tutorials run so far under `root` (folders NN_name with an index.html), by number.
inline void write_index(const std::filesystem::path& root, const std::string& lang) {
  namespace fs = std::filesystem;
  const bool zh = lang == "zh";
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(root, ec)) {
    const std::string n = d.path().filename().string();
    if (n.size() > 3 && std::isdigit(static_cast<unsigned char>(n[0])) &&
        std::isdigit(static_cast<unsigned char>(n[1])) && n[2] == '_' &&
        fs::exists(d.path() / "index.html"))
      names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  std::string body = zh ? "<h1>注意力课程：已运行的教程</h1>\n<nav class=\"index\"><ol>\n"
                        : "<h1>attention-lab: the tutorials run so far</h1>\n<nav class=\"index\"><ol>\n";
  for (const std::string& n : names)
    body += fmt::format("<li><a href=\"{}/index.html\">{}</a></li>\n", n,
                        title_of(root / n / "index.html"));
  body += "</ol></nav>\n";
  s2s::HtmlPage page;
  page.title = zh ? "注意力课程" : "attention-lab";
  page.lang = lang;
  page.body = body;
  s2s::write_page((root / "index.html").string(), s2s::html_page(page));
}

}  // namespace page_detail

// Writes <out>/index.html and <out>/../index.html. The figures are the SVG files of
// <out>, in the order they were written. A page that cannot be written is a warning:
// the tutorial's claims decide its exit code.
inline void write_lesson_page(const std::string& out_dir, const std::string& lang,
                              const std::string& title, const std::string& summary,
                              int held, int total, double seconds) {
  namespace fs = std::filesystem;
  const bool zh = lang == "zh";
  try {
    PageLog& p = page_log();
    std::string body = "<h1>" + s2s::html_escape(title) + "</h1>\n<p>" +
                       s2s::html_escape(summary) + "</p>\n" + p.html;
    body += fmt::format("<h2>{}</h2>\n<p>{}</p>\n", zh ? "结论与不变量" : "Claims and invariants",
                        zh ? fmt::format("检验：{}/{} 项通过（用时 {:.1f} 秒）", held, total, seconds)
                           : fmt::format("checks: {}/{} passed ({:.1f} s)", held, total, seconds));
    body += zh ? "<table class=\"claims\"><tr><th>类型</th><th>编号</th><th>内容</th><th>测得</th>"
                 "<th>要求</th><th>通过</th></tr>\n"
               : "<table class=\"claims\"><tr><th>kind</th><th>id</th><th>statement</th>"
                 "<th>measured</th><th>required</th><th>passed</th></tr>\n";
    for (const PageClaim& c : p.claims) {
      const bool inv = c.kind == "invariant";
      body += fmt::format(
          "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"{}\">{}</td></tr>\n",
          inv ? (zh ? "不变量" : "invariant") : (zh ? "结论" : "claim"), s2s::html_escape(c.id),
          s2s::html_escape(c.text), inv ? "" : fmt::format("{:.4g}", c.value),
          inv ? "" : s2s::html_escape(fmt::format("{} {:.4g}", c.op, c.threshold)),
          c.ok ? "held" : "failed", c.ok ? (zh ? "是" : "yes") : (zh ? "否" : "no"));
    }
    body += "</table>\n";
    // Figures, oldest first.
    std::vector<std::pair<fs::file_time_type, fs::path>> svgs;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(out_dir, ec))
      if (f.path().extension() == ".svg") svgs.emplace_back(f.last_write_time(ec), f.path());
    std::sort(svgs.begin(), svgs.end());
    std::string after;
    if (!svgs.empty()) {
      after += zh ? "<h2>图</h2>\n" : "<h2>Figures</h2>\n";
      for (const auto& [time, path] : svgs) {
        std::string svg = page_detail::read_text(path);
        if (svg.compare(0, 5, "<?xml") == 0) svg.erase(0, svg.find("?>") + 2);
        after += "<figure>" + svg + "<figcaption>" + s2s::html_escape(path.filename().string()) +
                 "</figcaption></figure>\n";
      }
    }
    s2s::HtmlPage page;
    page.title = title;
    page.lang = lang;
    page.body = body;
    page.explorers = p.explorers;
    page.side_by_side = p.side_by_side;
    page.explorers_heading = zh ? "注意力浏览器" : "Attention explorer";
    page.after = after;
    s2s::write_page((fs::path(out_dir) / "index.html").string(), s2s::html_page(page));
    fs::path root = fs::absolute(out_dir, ec).lexically_normal();
    if (root.filename().empty()) root = root.parent_path();
    page_detail::write_index(root.parent_path(), lang);
  } catch (const std::exception& e) {
    fmt::print(stderr, "warning: the tutorial's web page was not written: {}\n", e.what());
  }
}

}  // namespace tutorial
