#pragma once
// Date normalisation: many human formats -> one ISO date, e.g.
//   "march 3rd 2021"   -> "2 0 2 1 - 0 3 - 0 3"
//   "3 march 2021", "mar 3 , 2021", "0 3 / 0 3 / 2 0 2 1", "the 3rd of march 2021"
// Tokenisation (chosen to be learnable): words stay whole ("march", "mar",
// "the", "of"), the ordinal suffix is its own token ("3 rd"), punctuation is a
// token, and every number is split into digits. Splitting digits keeps the
// vocabulary tiny (digits are shared by days, months and years) and makes the
// copy-like parts of the task (year digits, day digits) one-to-one, which is
// exactly what attention is good at. The target is always 10 tokens
// "Y Y Y Y - M M - D D". Numeric inputs are month/day/year (US order) so that
// no input is ambiguous. Years are 1950..2049.
// Gold links: year digit -> year digit; month digits -> the month word (or the
// month digits); day digits -> the day digit(s); "-" links to nothing.
// cfg.min_len/max_len are ignored (the formats fix the lengths: 5..12 tokens).
#include "seq2seq/data/task.hpp"

namespace s2s {

Splits make_dates(const TaskConfig& cfg);

}  // namespace s2s
