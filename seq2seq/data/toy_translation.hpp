#pragma once
// A toy English -> Spanish translation task generated from a small grammar.
// It is small enough to train in minutes, yet has the phenomena that make
// translation need attention rather than a word-by-word lookup:
//   reordering          the big house          -> la casa grande
//   gender/number       the red cars           -> los coches rojos
//   verb conjugation    we eat / they ate      -> nosotros comemos / ellos comieron
//   negation            the cat does not eat   -> el gato no come
//   personal "a"        the dog sees the cat   -> el perro ve al gato
//   prepositions        near the park          -> cerca del parque
//   relative clauses    the dog that runs      -> el perro que corre
//   coordination        the boy and the girl are tall -> el niño y la niña son altos
//   copula + adjective  the houses were old    -> las casas eran viejas
// Every English sentence has exactly one Spanish translation (no synonyms, a
// deterministic mapping), so a good model can reach near 100% exact match.
// Vocabulary: 33 nouns, 16 adjectives, 23 verbs + "to be" (present and past).
//
// Gold alignment: each Spanish token links to the English token(s) it
// translates: articles to articles; "al"/"del" to the preposition (if any)
// and the article ("ve al gato": "al" -> "the"); "no" -> "does"+"not"
// ("did"+"not", or just "not" after "to be"); the verb -> the verb; "que" ->
// "that"; "y"/"pero" -> "and"/"but"; "cerca de" -> "near" (both tokens).
#include <cstdint>

#include "seq2seq/data/example.hpp"

namespace s2s {

struct ToyConfig {
  uint64_t seed = 1;
  int n_train = 10000, n_valid = 500, n_test = 1000;
  int min_len = 3, max_len = 40;  // source tokens, inclusive
};

Splits make_toy_translation(const ToyConfig& cfg);

}  // namespace s2s
