#pragma once
// One self-contained HTML page: inline CSS and JavaScript (seq2seq/plot/explorer/,
// embedded into the binary at build time), the data as embedded JSON, no network:
// it opens from file:// and works offline. Used by `s2s translate --html`,
// `s2s eval --html` and the tutorials' index.html (tutorials/lesson_page.hpp).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace s2s {

struct HtmlPage {
  std::string title;
  std::string lang = "en";  // en or zh: the explorer's labels, and CJK fonts first for zh
  std::string body;         // HTML shown above the explorers (already escaped)
  std::string explorers_heading;     // an <h2> over the explorers ("" = none)
  std::vector<nlohmann::json> explorers;  // each from explorer_json (explorer_data.hpp)
  bool side_by_side = false;         // explorers in a row (07: one per score function)
  std::string after;                 // HTML below the explorers
};

std::string html_page(const HtmlPage& page);

// Text for HTML content and attributes.
std::string html_escape(const std::string& text);

// The page's CSS and JavaScript, as embedded (generated from seq2seq/plot/explorer/).
extern const char* const kExplorerJs;
extern const char* const kExplorerCss;

}  // namespace s2s

namespace s2s {

// Refuses (s2s::Error) a page path that cannot be written: an empty path, a
// folder, or a folder that is missing or not writable. Writes nothing: call it
// before the work whose result the page holds.
void check_page_path(const std::string& path);

// Writes the page next to `path` first and renames it into place, so an existing
// file is replaced only by a complete page.
void write_page(const std::string& path, const std::string& html);

}  // namespace s2s
