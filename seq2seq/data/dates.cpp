#include "seq2seq/data/dates.hpp"

#include <fmt/format.h>

#include <array>

namespace s2s {

namespace {

const std::array<const char*, 12> kMonths = {"january",   "february", "march",    "april",
                                             "may",       "june",     "july",     "august",
                                             "september", "october",  "november", "december"};
const std::array<const char*, 12> kAbbr = {"jan", "feb", "mar", "apr", "may", "jun",
                                           "jul", "aug", "sep", "oct", "nov", "dec"};

int days_in(int month, int year) {  // month 1..12
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : d[month - 1];
}

const char* ordinal_suffix(int day) {  // 1st 2nd 3rd 4th ... 11th 12th 13th ... 21st 22nd 23rd
  if (day >= 11 && day <= 13) return "th";
  switch (day % 10) {
    case 1:
      return "st";
    case 2:
      return "nd";
    case 3:
      return "rd";
    default:
      return "th";
  }
}

// Appends the digits of `value` (zero-padded to `width`) as tokens; returns their positions.
std::vector<int> push_digits(std::vector<std::string>& toks, int value, int width) {
  std::string s = fmt::format("{:0{}d}", value, width);
  std::vector<int> pos;
  for (char c : s) {
    pos.push_back(static_cast<int>(toks.size()));
    toks.emplace_back(1, c);
  }
  return pos;
}

Example draw_date(Rng& rng) {
  int year = 1950 + static_cast<int>(rng.below(100));
  int month = 1 + static_cast<int>(rng.below(12));
  int day = 1 + static_cast<int>(rng.below(days_in(month, year)));
  int format = static_cast<int>(rng.below(6));

  Example ex;
  auto& s = ex.src;
  std::vector<int> ypos, mpos, dpos;  // source positions of year, month and day tokens
  auto word = [&](const char* w) {
    s.emplace_back(w);
    return std::vector<int>{static_cast<int>(s.size()) - 1};
  };
  switch (format) {
    case 0:  // march 3 rd 2 0 2 1
      mpos = word(kMonths[month - 1]);
      dpos = push_digits(s, day, 1);
      word(ordinal_suffix(day));
      ypos = push_digits(s, year, 4);
      break;
    case 1:  // 3 march 2 0 2 1
      dpos = push_digits(s, day, 1);
      mpos = word(kMonths[month - 1]);
      ypos = push_digits(s, year, 4);
      break;
    case 2:  // mar 3 , 2 0 2 1
      mpos = word(kAbbr[month - 1]);
      dpos = push_digits(s, day, 1);
      word(",");
      ypos = push_digits(s, year, 4);
      break;
    case 3:  // 0 3 / 0 3 / 2 0 2 1
      mpos = push_digits(s, month, 2);
      word("/");
      dpos = push_digits(s, day, 2);
      word("/");
      ypos = push_digits(s, year, 4);
      break;
    case 4:  // the 3 rd of march 2 0 2 1
      word("the");
      dpos = push_digits(s, day, 1);
      word(ordinal_suffix(day));
      word("of");
      mpos = word(kMonths[month - 1]);
      ypos = push_digits(s, year, 4);
      break;
    default:  // march 3 , 2 0 2 1
      mpos = word(kMonths[month - 1]);
      dpos = push_digits(s, day, 1);
      word(",");
      ypos = push_digits(s, year, 4);
      break;
  }

  // Target "Y Y Y Y - M M - D D" and its links. A field with fewer source
  // tokens than target digits (a month word, a one-digit day) links every
  // target digit of that field to all of the field's source tokens.
  auto emit_field = [&](int value, int width, const std::vector<int>& from) {
    std::string digits = fmt::format("{:0{}d}", value, width);
    for (size_t k = 0; k < digits.size(); ++k) {
      int j = static_cast<int>(ex.tgt.size());
      ex.tgt.emplace_back(1, digits[k]);
      if (from.size() == digits.size()) {
        ex.align.emplace_back(from[k], j);  // one-to-one
      } else {
        for (int i : from) ex.align.emplace_back(i, j);
      }
    }
  };
  emit_field(year, 4, ypos);
  ex.tgt.emplace_back("-");
  emit_field(month, 2, mpos);
  ex.tgt.emplace_back("-");
  emit_field(day, 2, dpos);
  return ex;
}

}  // namespace

Splits make_dates(const TaskConfig& cfg) {
  return draw_unique_splits(draw_date, cfg.seed, cfg.n_train, cfg.n_valid, cfg.n_test, "dates");
}

}  // namespace s2s
