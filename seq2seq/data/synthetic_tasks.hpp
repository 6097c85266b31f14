#pragma once
// Algorithmic tasks where the right attention pattern is known exactly,
// so we can check whether a model learned to "look" at the right place:
//   copy     a c b -> a c b    target j attends source j        (diagonal)
//   reverse  a c b -> b c a    target j attends source n-1-j    (anti-diagonal)
//   sort     a c b -> a b c    target j attends where its symbol came from
//   repeat   a c b -> a c b a c b   target j attends source j mod n; its second
//            half is its own first half again (for decoder self-attention)
// Symbols are the letters a, b, c, ... (cfg.alphabet of them); source lengths
// are uniform in [cfg.min_len, cfg.max_len].
#include "seq2seq/data/task.hpp"

namespace s2s {

Splits make_copy(const TaskConfig& cfg);
Splits make_reverse(const TaskConfig& cfg);
Splits make_sort(const TaskConfig& cfg);  // stable: equal symbols keep their order
Splits make_repeat(const TaskConfig& cfg);

}  // namespace s2s
