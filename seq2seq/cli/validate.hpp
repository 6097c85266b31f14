#pragma once
// The s2s CLI's guards, kept out of main.cpp: number flags with plain-words
// errors, flag conflicts, data loading with counts, translate's line-by-line
// loop, vocabulary coverage, and the last-resort handler for main.
#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "seq2seq/data/example.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/train/trainer.hpp"

namespace s2s::cli {

// A bad command line found after parsing (contradictory flags): exit code 2, as
// a parse error. Every other s2s::Error is exit code 1.
struct UsageError : Error {
  using Error::Error;
};
// Output that could not be written (a full disk, a closed pipe): the run stops, exit 1.
struct OutputError : Error {
  using Error::Error;
};

// Validators that run on the flag's text before CLI11 converts it, so that the
// message reads "--hidden must be a positive integer, got 0" (see parse_error).
CLI::Validator positive_int(int64_t max_value);  // 1..max_value, digits only
CLI::Validator positive_real();                  // finite and > 0
CLI::Validator real_in(double lo, double hi);    // a number in [lo, hi] (no nan, no inf)
CLI::Validator seed_value();                     // 0..2^64-1, digits only (no -1, no wrap)

// Parses argv; on a parse error prints "error: ..." (or the help) and returns
// the exit code to use (0 for --help, 2 for a usage error); -1 when parsing
// succeeded.
int parse(CLI::App& app, int argc, char** argv);

// Throws UsageError for contradictory training flags; warns (stderr) about a
// flag that has no effect (--dropout with --layers 1).
void check_train_flags(const CLI::App& train_cmd, const std::string& attention,
                       const TrainConfig& tc);

// --seconds holds for slow steps: refuses (s2s::Error) a model whose first training
// step alone would outlast the seconds left, estimated before training from a
// probe: one real step of the same model cut to at most 2 encoder layers, with
// the same batch size and sources of 2 tokens (the faster of two), scaled by max_len / (probe
// length) and layers / (probe layers). The probe costs about 2/max_len ×
// 2/layers of a step.
void check_step_time(const ModelConfig& c, const Vocab& src_vocab, const Vocab& tgt_vocab,
                     int64_t batch, int64_t max_len, double seconds_left);

// Where evaluation or training data comes from.
struct DataArgs {
  std::string task = "toy_en_es", tsv;
  // Separate files: --tsv is then all training data (train), and eval scores all of
  // --test-tsv. Each is read as --tsv is; a source listed more than once is one
  // example with several references in valid and test.
  std::string valid_tsv, test_tsv;
  int n_train = 8000, n_valid = 300, n_test = 500, min_len = 3, max_len = 20;
  uint64_t seed = 7;
  std::string dict;            // --task cmudict: the dictionary file ("" = festlex-cmu's)
  bool stress = false;         // --task cmudict: keep stress digits on vowels
  double timeout_seconds = 0;  // reading --tsv or --dict from a pipe: give up after this (0: wait)
};
void add_data_flags(CLI::App* app, DataArgs& d);
// Throws UsageError for contradictory data flags (--tsv with --task, an unknown
// task, a length flag with --task dates, ...) and for generated data whose
// estimated size (examples × 2 sides × --max-len tokens) exceeds kDataShare of
// the memory limit. For --task cmudict, sizes and --max-len not given on the
// command line mean "all".
void check_data_flags(const CLI::App& cmd, DataArgs& d);
// Data flags that do not apply to this data and were not given (left out of
// the command: line, so that rerunning it gives the same data).
std::vector<std::string> unused_data_flags(const CLI::App& cmd, const DataArgs& d);
// A generated task or a TSV (refused with counts when it has too few pairs);
// prints the TSV's warnings (the first 10, then a count) on stderr, and a line
// on what a dictionary gave ("data: ...", stdout). With --test-tsv, the test
// split is that file, and without `need_train` (eval) only it is read.
Splits load_data(const DataArgs& d, bool need_train = true);
// Whether the data is read as --tsv files (--tsv, or --test-tsv alone in eval).
bool uses_tsv(const DataArgs& d);
// The pronunciation report (WER, PER, word-length buckets) suits data whose
// sources are letters: --task cmudict, or files whose every source token is a
// single character ("k n i g h t<TAB>n ay t").
bool letters_in(const DataArgs& d, const std::vector<Example>& test);

// Share of tokens the vocabulary knows; prints a warning on stderr when it is
// below a half ("the model's source vocabulary covers 12% of ...").
double warn_coverage(int64_t tokens, int64_t unknown, const std::string& what);
// Both sides of a test set against the model's vocabularies.
void warn_coverage(const LoadedModel& lm, const std::vector<Example>& test);
int64_t count_unknown(const Vocab& v, const std::vector<std::string>& tokens);

// translate: the decode-length cap and the input-length limit (tokens, and bytes a
// line: line_limit_bytes(kMaxTranslateTokens) = 51,024; a longer line gets an empty
// output line and an error; after kMaxSkipBytes without an end of line, the input
// is refused as a whole).
inline constexpr int64_t kMaxTranslateTokens = 250;
inline constexpr int64_t kMaxSkipBytes = 16'000'000;
// Generated data may use at most this share of memory_limit_bytes().
inline constexpr double kDataShare = 0.25;
inline int64_t max_output_tokens(int64_t source_tokens) { return 2 * source_tokens + 10; }

// Translates each line of `in` (or the one sentence): exactly one output line
// per input line, an empty line for an empty one; a line that cannot be
// translated gets an empty output line and "error: line N: ..." on stderr.
// Returns the exit code: 0, or 1 if any line failed. Output that cannot be
// written throws OutputError with the cause (strerror).
int translate_lines(LoadedModel& lm, std::istream& in, int beam, bool heatmap);
int translate_sentence(LoadedModel& lm, const std::string& sentence, int beam, bool heatmap);
// The same with several models decoding as one (an ensemble, seq2seq/decoding/ensemble.hpp;
// they share the vocabularies: cli/ensemble_models.hpp). `note`, when not empty, heads
// each heatmap (whose attention it is).
int translate_lines(const std::vector<const LoadedModel*>& models, std::istream& in, int beam,
                    bool heatmap, const std::string& note = "");
int translate_sentence(const std::vector<const LoadedModel*>& models, const std::string& sentence,
                       int beam, bool heatmap, const std::string& note = "");
// The source tokens translate reads from a line: words, or letters for a model
// whose source words are single characters (cmudict).
std::vector<std::string> source_tokens(const LoadedModel& lm, const std::string& line);

// The beam actually used: at most the target vocabulary's size (and kMaxBeam),
// with a note on stderr when the requested one is larger.
inline constexpr int kMaxBeam = 256;
int cap_beam(int beam, const Vocab& tgt_vocab);

// The command that repeats this run exactly: "s2s train --task cmudict --hidden
// 256 ...", every option of `cmd` spelled out (given or default, flags as
// --flag=true|false), except those named in `skip` and empty strings.
std::string command_line(const CLI::App& cmd, const std::vector<std::string>& skip = {});

// A recipe: settings a task uses by default. Each is a flag of `s2s train`, so
// the same recipe can be given by hand (for --tsv data, say).
struct RecipeSetting {
  const char* flag;
  const char* value;
};
// Sets each flag the command line did not give to the recipe's value.
void apply_recipe(CLI::App& cmd, const std::vector<RecipeSetting>& recipe);


}  // namespace s2s::cli
