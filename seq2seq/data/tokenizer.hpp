#pragma once
// A tiny rule-based tokenizer for the datasets in this folder.
//   tokenize("¿Dónde está, Tom?") -> {"¿", "dónde", "está", ",", "tom", "?"}
// Rules: ASCII letters are lowercased (UTF-8 bytes such as "Ó" are left as
// they are: correct Unicode case folding needs tables we do not want here);
// the punctuation . , ! ? ; : ¿ ¡ " ( ) becomes a token of its own; any
// whitespace, and a UTF-8 byte order mark (EF BB BF), separates tokens.
#include <string>
#include <vector>

namespace s2s {

std::vector<std::string> tokenize(const std::string& text);

// Joins tokens with spaces, but glues closing punctuation (. , ! ? ; : ))
// to the word before and opening punctuation (¿ ¡ () to the word after, and
// treats '"' as alternately opening and closing.
std::string detokenize(const std::vector<std::string>& tokens);

}  // namespace s2s
