#include "seq2seq/data/tokenizer.hpp"

#include <string_view>

namespace s2s {

namespace {

// Length in bytes of the punctuation token starting at text[i], or 0.
// "¿" and "¡" are two bytes in UTF-8: C2 BF and C2 A1.
size_t punct_len(const std::string& text, size_t i) {
  switch (text[i]) {
    case '.':
    case ',':
    case '!':
    case '?':
    case ';':
    case ':':
    case '"':
    case '(':
    case ')':
      return 1;
    default:
      break;
  }
  if (i + 1 < text.size() && static_cast<unsigned char>(text[i]) == 0xC2) {
    unsigned char b = static_cast<unsigned char>(text[i + 1]);
    if (b == 0xBF || b == 0xA1) return 2;
  }
  return 0;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool closes(std::string_view t) {
  return t == "." || t == "," || t == "!" || t == "?" || t == ";" || t == ":" || t == ")";
}
bool opens(std::string_view t) { return t == "¿" || t == "¡" || t == "("; }

}  // namespace

std::vector<std::string> tokenize(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) out.push_back(std::move(cur));
    cur.clear();
  };
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (is_space(c)) {
      flush();
      ++i;
    } else if (text.compare(i, 3, "\xEF\xBB\xBF") == 0) {  // a byte order mark separates too
      flush();
      i += 3;
    } else if (size_t n = punct_len(text, i)) {
      flush();
      out.push_back(text.substr(i, n));
      i += n;
    } else {
      cur += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      ++i;
    }
  }
  flush();
  return out;
}

std::string detokenize(const std::vector<std::string>& tokens) {
  std::string out;
  bool glue_next = true;  // no space before the first token
  bool quote_open = false;
  for (const auto& t : tokens) {
    bool glue_this = glue_next || closes(t);
    if (t == "\"") {
      glue_this = glue_next || quote_open;  // a closing quote sticks to the word before
      quote_open = !quote_open;
      glue_next = quote_open;  // an opening quote sticks to the word after
    } else {
      glue_next = opens(t);
    }
    if (!glue_this) out += ' ';
    out += t;
  }
  return out;
}

}  // namespace s2s
