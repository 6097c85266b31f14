#include "seq2seq/plot/html_page.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "core/error.hpp"
#include "seq2seq/plot/svg.hpp"
#include "seq2seq/plot/write_file.hpp"

namespace s2s {

namespace {

// The explorer's labels in the page's language.
nlohmann::json ui_labels(bool zh) {
  auto t = [&](const char* en, const char* zh_text) { return zh ? zh_text : en; };
  return {
      {"colon", t(": ", "：")},
      {"lp", t(" (", "（")},
      {"rp", t(")", "）")},
      {"model", t("model", "模型")},
      {"sentence", t("sentence", "句子")},
      {"export_svg", t("export view as SVG", "导出当前视图（SVG）")},
      {"all_steps", t("all steps", "全部步")},
      {"prev", t("previous step", "上一步")},
      {"next", t("next step", "下一步")},
      {"replay", t("replay decoding:", "逐步回放解码：")},
      {"step", t("step", "第")},
      {"source", t("source", "源句")},
      {"output", t("output", "输出")},
      {"reference", t("reference", "参考译文")},
      {"aer", t("alignment error rate (AER)", "对齐错误率（AER）")},
      {"gold_note", t("gold links are outlined in orange", "橙色方框为标准对齐")},
      {"row_note", t("its weights over the columns", "它在各列上的权重")},
      {"col_note", t("the weight each output token gave it", "各输出词给它的权重")},
      {"step_hint", t("press ▶ to replay decoding one token at a time",
                      "按 ▶ 逐词回放解码过程")},
      {"chosen", t("chosen token", "选中的词")},
      {"top", t("most likely", "概率最高")},
      {"context", t("context vector weights a_t over the columns:",
                    "上下文向量的权重 a_t（按列）：")},
      {"legend", t("rows: output tokens; columns: source tokens (self-attention: earlier output "
                   "tokens); darker = more weight. Hover a token or a cell. Hatched: outside "
                   "local attention's window; green underline: its centre p_t.",
                   "行：输出词；列：源句词（自注意力：之前的输出词）；颜色越深权重越大。"
                   "把鼠标移到词或方格上查看。斜线：局部注意力窗口之外；绿色下划线：窗口中心 p_t。")},
      {"beam_tree", t("beam search tree", "束搜索树")},
      {"beam_size", t("beam", "束宽")},
      {"beam_legend",
       t("blue: kept (extended later); grey: pruned; green: finished with <eos>; thick: the "
         "returned hypothesis. Numbers: length-normalised score.",
         "蓝：保留（之后被扩展）；灰：被剪枝；绿：以 <eos> 结束；粗线：最终返回的假设。"
         "数字：长度归一化后的得分。")},
      {"score", t("score", "得分")},
      {"kept", t("kept", "保留")},
      {"pruned", t("pruned", "剪枝")},
      {"finished", t("finished", "结束")},
  };
}

}  // namespace

std::string html_escape(const std::string& text) { return xml_escape(text); }

std::string html_page(const HtmlPage& p) {
  const bool zh = p.lang == "zh";
  nlohmann::json data = {{"ui", ui_labels(zh)},
                         {"font", font_family_for(p.lang)},
                         {"explorers", p.explorers}};
  // Inside <script>, "</" would end the element: JSON may write it as "<\/".
  const std::string dumped = data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string json;
  json.reserve(dumped.size() + dumped.size() / 100);
  for (size_t i = 0; i < dumped.size(); ++i) {
    json.push_back(dumped[i]);
    if (dumped[i] == '<' && i + 1 < dumped.size() && dumped[i + 1] == '/') json.push_back('\\');
  }
  std::string out;
  out.reserve(json.size() + 40000 + p.body.size());
  out += "<!DOCTYPE html>\n<html lang=\"";
  out += zh ? "zh-CN" : "en";
  out += "\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  out += html_escape(p.title);
  out += "</title>\n<style>\n";
  out += kExplorerCss;
  out += "\nbody { font-family: ";
  out += font_family_for(p.lang);
  out += "; }\n</style>\n</head>\n<body>\n<main>\n";
  out += p.body;
  if (!p.explorers.empty()) {
    if (!p.explorers_heading.empty()) {
      out += "<h2>";
      out += html_escape(p.explorers_heading);
      out += "</h2>\n";
    }
    out += p.side_by_side ? "<section class=\"explorers side\">\n" : "<section class=\"explorers\">\n";
    for (size_t i = 0; i < p.explorers.size(); ++i)
      out += fmt::format("<div class=\"explorer\" data-i=\"{}\"></div>\n", i);
    out += "</section>\n";
  }
  out += p.after;
  out += "</main>\n<script type=\"application/json\" id=\"s2s-data\">";
  out += json;
  out += "</script>\n<script>\n";
  out += kExplorerJs;
  out += "\n</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace s2s

namespace s2s {

void check_page_path(const std::string& path) {
  namespace fs = std::filesystem;
  S2S_CHECK(!path.empty(), "--html needs a file name");
  std::error_code ec;
  S2S_CHECK(!fs::is_directory(path, ec), "cannot write the page '{}': it is a folder", path);
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  S2S_CHECK(fs::is_directory(parent, ec), "cannot write the page '{}': folder '{}' does not exist",
            path, parent.string());
  S2S_CHECK(::access(parent.c_str(), W_OK) == 0,
            "cannot write the page '{}': folder '{}' is not writable", path, parent.string());
  S2S_CHECK(!fs::exists(path, ec) || ::access(path.c_str(), W_OK) == 0,
            "cannot write the page '{}': the file is not writable", path);
}

void write_page(const std::string& path, const std::string& html) {
  check_page_path(path);
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  write_file(tmp, html);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw Error(fmt::format("cannot write the page '{}': {}", path, ec.message()));
  }
}

}  // namespace s2s
