// s2s — train, evaluate and use sequence-to-sequence models from the shell.
//
//   s2s train --task toy_en_es --out runs/att            (or --tsv pairs.tsv)
//   s2s eval --model runs/att --task toy_en_es --beam 4
//   s2s translate --model runs/att "the big dog sees the cat"
//   s2s translate --model runs/a --model runs/b "the cat eats"   (an ensemble)
//   echo "the cat eats" | s2s translate --model runs/att --heatmap
//   s2s info --model runs/att                            (how it was trained)
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>

#include "core/engine.hpp"
#include "core/error.hpp"
#include "seq2seq/cli/ensemble_models.hpp"
#include "seq2seq/cli/guard.hpp"
#include "seq2seq/cli/html_report.hpp"
#include "seq2seq/cli/validate.hpp"
#include "seq2seq/cli_choices.hpp"
#include "seq2seq/data/task.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/model/model_budget.hpp"
#include "seq2seq/model/model_folder.hpp"
#include "seq2seq/train/evaluate.hpp"
#include "seq2seq/train/trainer.hpp"

using namespace s2s;
using namespace s2s::cli;

namespace {

// --engine reference|fast: which engine runs the ops (core/engine.hpp).
void add_engine_flag(CLI::App* app, std::string& engine) {
  app->add_option("--engine", engine,
                  "reference: the readable composed ops; fast (default): fused ops and threads; "
                  "also set by the environment variable S2S_ENGINE")
      ->check(CLI::IsMember({"reference", "fast"}));
}

// Pronunciation (phones out) is scored as the field does: WER, the share of
// words with any phone wrong (1 − exact match), and PER, phone edit distance
// per reference phone.
void print_eval(const EvalResult& r, bool phones) {
  if (phones) fmt::print("WER {:.1f}%  PER {:.1f}%  ", 100 * (1 - r.exact), 100 * r.error_rate);
  fmt::print("exact match {:.1f}%  token accuracy {:.1f}%  BLEU {:.3f}  perplexity {:.2f}",
             100 * r.exact, 100 * r.token_acc, r.bleu, r.perplexity);
  if (r.aer >= 0) fmt::print("  AER {:.3f}", r.aer);
  fmt::print("\n");
  // Several references (a word's pronunciations): the line above counts an output
  // right if it matches any of them; this one scores the same outputs against the
  // first only, so that the effect of the rule shows.
  if (r.several_refs > 0) {
    fmt::print("first reference only: ");
    if (phones)
      fmt::print("WER {:.1f}%  PER {:.1f}%  exact match {:.1f}%", 100 * (1 - r.exact_first),
                 100 * r.error_rate_first, 100 * r.exact_first);
    else
      fmt::print("exact match {:.1f}%  token error rate {:.1f}%", 100 * r.exact_first,
                 100 * r.error_rate_first);
    fmt::print("  ({} of {} {} have several references: the line above counts any of them{})\n",
               r.several_refs, r.evaluated, phones ? "words" : "sources",
               phones ? ", PER the closest" : ", the other scores the closest");
  }
  fmt::print("{}", bucket_table(r, phones ? "PER" : ""));
}

// Word-length buckets of the pronunciation report (letters).
const std::vector<int> kWordLengthEdges = {5, 8, 11};

// The recipe `--task cmudict` uses by default, chosen by measurement on the
// dictionary, one change at a time: docs/g2p.md has the runs. Each is a flag.
const std::vector<RecipeSetting> kCmudictRecipe = {{"--cell", "lstm"},
                                                   {"--embed", "64"},
                                                   {"--hidden", "256"},
                                                   {"--layers", "1"},
                                                   {"--attention", "additive"},
                                                   {"--label-smoothing", "0.1"},
                                                   {"--placement", "output"},
                                                   {"--batch", "64"},
                                                   {"--lr", "0.003"},
                                                   {"--lr-anneal", "0.2"},
                                                   {"--min-lr", "0.0001"},
                                                   {"--max-steps", "9000"},
                                                   {"--validate-every", "1000"},
                                                   {"--patience", "4"},
                                                   {"--valid-examples", "2000"},
                                                   {"--epochs", "100"},
                                                   {"--seconds", "1200"},
                                                   {"--beam", "4"}};

// `--recipe best`: the changes to the recipe above that gave the best pronunciations
// measured so far, bounded in updates: a second encoder layer, dropout, the validation
// with the most words right kept, and 1.54 million training pairs (16 epochs) in
// batches of 128. The learning rate is the default's times sqrt(2): a gradient averaged
// over twice the pairs has sqrt(2) less noise (docs/g2p.md: runs c00, f02 and f04).
// 12,000 updates, so that the slower of the 2-core machines measured finishes them inside
// the hour; --seconds is a safety cap, which such a run on idle cores does not reach.
const std::vector<RecipeSetting> kCmudictBest = {{"--layers", "2"},
                                                 {"--dropout", "0.3"},
                                                 {"--decoder-dropout", "0.3"},
                                                 {"--embed-dropout", "0.1"},
                                                 {"--batch", "128"},
                                                 {"--lr", "0.0042"},
                                                 {"--max-steps", "12000"},
                                                 {"--select-by", "exact"},
                                                 {"--patience", "30"},
                                                 {"--seconds", "3600"}};

// --model DIR, once, or several times for an ensemble (seq2seq/decoding/ensemble.hpp).
void add_models_flag(CLI::App* app, std::vector<std::string>& dirs) {
  app->add_option("--model", dirs,
                  "folder written by `s2s train`; give it several times (at most " +
                      std::to_string(kMaxModels) +
                      ") to decode with an ensemble: the models' log-probabilities averaged at "
                      "each step (their vocabularies must be the same)")
      ->required()
      ->allow_extra_args(false);
}

// --html draws one model's attention and search; an ensemble has neither.
void check_html_models(const std::string& html, const std::vector<std::string>& dirs) {
  if (!html.empty() && dirs.size() > 1)
    throw UsageError(fmt::format(
        "--html shows one model's attention and beam search, and --model is given {} times: an "
        "ensemble has no single attention to show. Drop --html, or give one --model (--heatmap "
        "shows the first model's attention along the ensemble's output)",
        dirs.size()));
}

}  // namespace

int run(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Log lines reach a file or pipe as they are printed, not when the run ends.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  CLI::App app{"s2s: sequence-to-sequence models with attention (train, eval, translate, info)"};
  app.require_subcommand(1);

  // --- train ---------------------------------------------------------------------
  std::string engine;  // empty: S2S_ENGINE, else fast
  CLI::App* train_cmd = app.add_subcommand("train", "train a model and save it to a folder");
  add_engine_flag(train_cmd, engine);
  DataArgs data;
  add_data_flags(train_cmd, data);
  ModelConfig mc;
  TrainConfig tc;
  tc.epochs = 30;
  tc.max_seconds = 120;
  tc.lr = real(3e-3);
  std::string out_dir, cell = "gru", attention = "general", variant = "global",
                       placement = "output";
  bool overwrite = false, dry_run = false;
  int train_beam = 1;
  train_cmd
      ->add_option("--out", out_dir,
                   "folder for the model and vocabularies (written as a whole: the old model "
                   "stays until the new one's first checkpoint is complete)")
      ->required();
  train_cmd->add_flag("--overwrite", overwrite, "replace a model already in --out");
  train_cmd->add_flag("--dry-run", dry_run,
                      "print the command line with every setting (the task's recipe included) "
                      "and the model, then stop without training or writing");
  train_cmd->add_option("--cell", cell, cell_choices().help)
      ->check(CLI::IsMember(cell_choices().names))
      ->capture_default_str();
  train_cmd->add_option("--embed", mc.embed, "embedding size E")
      ->check(positive_int(1 << 20))
      ->capture_default_str();
  train_cmd->add_option("--hidden", mc.hidden, "hidden size H")
      ->check(positive_int(1 << 20))
      ->capture_default_str();
  train_cmd->add_option("--layers", mc.layers, "encoder layers")
      ->check(positive_int(1000))
      ->capture_default_str();
  train_cmd
      ->add_option("--decoder-layers", mc.decoder_layers,
                   "stacked decoder cells; each starts from the encoder's final state, and "
                   "attention reads the top one's")
      ->check(positive_int(1000))
      ->capture_default_str();
  mc.bidirectional = true;
  train_cmd
      ->add_flag("--bidirectional,!--unidirectional", mc.bidirectional,
                 "bidirectional encoder (default) or not")
      ->default_str("true");
  train_cmd->add_option("--dropout", mc.dropout, "dropout between stacked encoder layers")
      ->check(real_in(0, 0.9))
      ->capture_default_str();
  // Regularisation and capacity (docs/training-flags.md); off by default.
  train_cmd
      ->add_option("--embed-dropout", mc.embed_dropout,
                   "dropout on the source and target embeddings (training only)")
      ->check(real_in(0, 0.9))
      ->capture_default_str();
  train_cmd
      ->add_option("--decoder-dropout", mc.decoder_dropout,
                   "dropout on the decoder's input (each layer's), and on the attentional vector "
                   "h~_t (the bottleneck: d_t) before the output layer (training only)")
      ->check(real_in(0, 0.9))
      ->capture_default_str();
  train_cmd
      ->add_option("--label-smoothing", tc.label_smoothing,
                   "train on smoothed targets: (1 - e) on the right token and e spread over the "
                   "whole target vocabulary (validation and test keep the plain loss)")
      ->check(real_in(0, 0.5))
      ->capture_default_str();
  train_cmd
      ->add_option("--weight-decay", tc.weight_decay,
                   "decoupled weight decay (AdamW): each update first shrinks every parameter by "
                   "--lr x this share of itself")
      ->check(real_in(0, 10))
      ->capture_default_str();
  train_cmd
      ->add_option("--average-last", tc.average_last,
                   "keep the average of the parameters at the K validations ending at the best "
                   "one (fewer if fewer came before it), validated once more after training "
                   "(1: the best validation's parameters)")
      ->check(positive_int(100))
      ->capture_default_str();
  train_cmd->add_option("--attention", attention, attention_choices().help)
      ->check(CLI::IsMember(attention_choices().names))
      ->capture_default_str();
  train_cmd->add_option("--variant", variant, variant_choices().help)
      ->check(CLI::IsMember(variant_choices().names))
      ->capture_default_str();
  train_cmd->add_option("--placement", placement, placement_choices().help)
      ->check(CLI::IsMember(placement_choices().names))
      ->capture_default_str();
  train_cmd->add_flag("--reverse-source", mc.reverse_source, "read the source backwards");
  train_cmd->add_option("--epochs", tc.epochs, "maximum epochs")
      ->check(positive_int(1'000'000))
      ->capture_default_str();
  train_cmd
      ->add_option("--seconds", tc.max_seconds,
                   "time budget of the whole run in seconds: loading, training, validation and "
                   "the test evaluation (training stops early enough to leave the evaluations "
                   "their time, measured at each validation)")
      ->check(positive_real())
      ->capture_default_str();
  train_cmd
      ->add_option("--max-steps", tc.max_steps,
                   "stop after this many updates (0: no limit): a budget that does not depend on "
                   "the machine's speed or load")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}))
      ->capture_default_str();
  train_cmd->add_option("--batch", tc.batch_size, "batch size")
      ->check(positive_int(1'000'000))
      ->capture_default_str();
  train_cmd
      ->add_option("--lr", tc.lr,
                   "Adam learning rate (a run whose loss diverges stops with an error and keeps "
                   "the last good checkpoint)")
      ->check(positive_real())
      ->capture_default_str();
  train_cmd
      ->add_option("--lr-decay", tc.lr_decay,
                   "multiply the learning rate by this after --lr-patience validations without a "
                   "better valid loss (1: constant rate)")
      ->check(real_in(0.01, 1.0))
      ->capture_default_str();
  train_cmd
      ->add_option("--lr-patience", tc.lr_patience, "validations without progress before a decay")
      ->check(positive_int(1000))
      ->capture_default_str();
  train_cmd
      ->add_option("--lr-anneal", tc.lr_anneal_hold,
                   "anneal instead of decaying on plateau: keep --lr for this share of the "
                   "budget (--seconds, --max-steps or --epochs, whichever runs out first), then "
                   "fall geometrically to --min-lr at its end (-1: off)")
      ->check(real_in(-1.0, 0.99))
      ->capture_default_str();
  train_cmd->add_option("--min-lr", tc.min_lr, "the learning rate never decays below this")
      ->check(real_in(0.0, 1.0))
      ->capture_default_str();
  train_cmd
      ->add_option("--patience", tc.patience,
                   "stop after this many validations without a better one (--select-by)")
      ->check(positive_int(1000))
      ->capture_default_str();
  std::string recipe = "default";
  train_cmd
      ->add_option("--recipe", recipe,
                   "default: --task cmudict's recipe (about 5 minutes on 2 cores; other data: "
                   "s2s train's own defaults); best: a bigger model trained longer for better "
                   "pronunciations (under an hour on 2 cores: --seconds 3600), for --task "
                   "cmudict or --tsv. Flags given beside it win (docs/g2p.md)")
      ->check(CLI::IsMember({"default", "best"}))
      ->capture_default_str();
  std::string select_by = "loss";
  train_cmd
      ->add_option("--select-by", select_by,
                   "which validation keeps its model: loss (the lowest valid loss) or exact (the "
                   "highest valid exact match, greedy); patience and --average-last follow it")
      ->check(CLI::IsMember({"loss", "exact"}))
      ->capture_default_str();
  train_cmd
      ->add_option("--valid-examples", tc.valid_examples,
                   "validation examples used each epoch (at most the valid split)")
      ->check(positive_int(10'000'000))
      ->capture_default_str();
  train_cmd
      ->add_option("--validate-every", tc.validate_every,
                   "validate every this many updates instead of after each epoch (0: each epoch)")
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}))
      ->capture_default_str();
  train_cmd
      ->add_option("--beam", train_beam,
                   "beam size of the test evaluation after training (1 = greedy)")
      ->check(positive_int(256))
      ->capture_default_str();
  train_cmd->add_option("--seed", tc.seed, "training seed")
      ->check(seed_value())
      ->capture_default_str();
  train_cmd->add_flag("--anomaly", tc.anomaly, "check every op for NaN/Inf (slow)");

  // --- eval ----------------------------------------------------------------------
  CLI::App* eval_cmd = app.add_subcommand("eval", "evaluate a saved model on a test set");
  add_engine_flag(eval_cmd, engine);
  DataArgs eval_data;
  add_data_flags(eval_cmd, eval_data);
  std::string model_dir;                // info
  std::vector<std::string> model_dirs;  // eval and translate: one folder, or an ensemble's
  int beam = 1;
  std::string html;  // --html FILE: the attention explorer page (docs/explorer.md)
  int64_t html_sentences = 100;
  add_models_flag(eval_cmd, model_dirs);
  eval_cmd->add_option("--html", html, "also write the attention explorer, one HTML page");
  eval_cmd->add_option("--html-sentences", html_sentences, "test sentences on the --html page")
      ->check(CLI::Range(int64_t{1}, int64_t{100'000}))
      ->capture_default_str();
  eval_cmd
      ->add_option("--beam", beam,
                   "beam size (1 = greedy; at most the target vocabulary's size and 256)")
      ->check(positive_int(INT32_MAX))
      ->capture_default_str();

  // --- translate -------------------------------------------------------------------
  CLI::App* tr_cmd =
      app.add_subcommand("translate", "translate a sentence (or each line of stdin)");
  add_engine_flag(tr_cmd, engine);
  std::string sentence;
  bool heatmap = false;
  add_models_flag(tr_cmd, model_dirs);
  tr_cmd
      ->add_option("--beam", beam,
                   "beam size (1 = greedy; at most the target vocabulary's size and 256)")
      ->check(positive_int(INT32_MAX))
      ->capture_default_str();
  tr_cmd->add_flag("--heatmap", heatmap, "show the attention weights as a terminal heatmap");
  tr_cmd->add_option("--html", html,
                     "also write the attention explorer, one HTML page (at most 2,000 lines)");

  // --- info ------------------------------------------------------------------------
  CLI::App* info_cmd =
      app.add_subcommand("info", "how a saved model was trained: its command line and config");
  info_cmd->add_option("--model", model_dir, "folder written by `s2s train`")->required();
  tr_cmd->add_option("sentence", sentence,
                     "the sentence; without it, each line of stdin (one output line per input "
                     "line; at most " +
                         std::to_string(kMaxTranslateTokens) +
                         " tokens a line, and at most 2 × the source length + 10 output tokens)");

  if (int code = parse(app, argc, argv); code >= 0) return code;
  try {
    if (!engine.empty()) set_engine(parse_engine(engine));
    // The command: line names the engine that runs, whether from --engine or S2S_ENGINE.
    train_cmd->get_option("--engine")->default_str(engine_name(s2s::engine()));
    if (*train_cmd) {
      const bool cmudict = data.task == "cmudict" && !uses_tsv(data);
      if (recipe == "best" && !cmudict && !uses_tsv(data))
        throw UsageError(fmt::format(
            "--recipe best is the recipe for pronunciations (letters -> phones): use it with "
            "--task cmudict or --tsv, not --task {}",
            data.task));
      // One writer per folder: the lock comes before any check of the folder.
      std::unique_ptr<WriterLock> lock;
      if (!dry_run) lock = std::make_unique<WriterLock>(out_dir);
      // The best recipe is the default one with its changes on top.
      if (cmudict || recipe == "best") apply_recipe(*train_cmd, kCmudictRecipe);
      if (recipe == "best") apply_recipe(*train_cmd, kCmudictBest);
      tc.select_by = select_by == "exact" ? SelectBy::exact : SelectBy::loss;
      // Everything is checked before anything is written.
      check_train_flags(*train_cmd, attention, tc);
      check_data_flags(*train_cmd, data);
      std::vector<std::string> skip = unused_data_flags(*train_cmd, data);
      skip.push_back("--dry-run");
      const std::string command = command_line(*train_cmd, skip);
      fmt::print("command: {}\n", command);
      if (!dry_run) check_output_folder(out_dir, overwrite);
      if (tc.max_seconds > 0) data.timeout_seconds = std::max(tc.max_seconds - elapsed(), 1e-3);
      Splits sp = load_data(data);
      const bool phones = letters_in(data, sp.test);  // the pronunciation report
      // The model must take the longest source (all words of cmudict; the dates' formats).
      for (const auto* split : {&sp.train, &sp.valid, &sp.test})
        for (const Example& e : *split)
          data.max_len = std::max(data.max_len, static_cast<int>(e.src.size()));
      auto [sv, tv] = build_vocabs(sp.train);
      mc.src_vocab = sv.size();
      mc.tgt_vocab = tv.size();
      mc.cell = cell_kind_from_name(cell);
      mc.attention = attention != "none";
      if (mc.attention) mc.attn.score = attention;
      mc.attn.variant = variant_from_name(variant);
      mc.attn.placement = placement_from_name(placement);
      mc.attn.max_src_len = data.max_len + 2;
      mc.seed = tc.seed;
      check_budget(mc, true, "train", tc.batch_size, data.max_len + 2);
      Seq2Seq model(mc);
      fmt::print("model: {} ({} parameters); {} training pairs, {} valid, {} test\n",
                 model.describe(), model.num_parameters(), sp.train.size(), sp.valid.size(),
                 sp.test.size());
      if (dry_run) return 0;
      if (tc.max_seconds > 0)
        check_step_time(mc, sv, tv, tc.batch_size, data.max_len + 2, tc.max_seconds - elapsed());
      // Each best epoch replaces the whole folder (model, vocabularies, config) at once.
      bool saved = false;
      Metadata run_meta;
      run_meta["command"] = command;
      tc.on_best = [&](const Metadata& meta) {
        Metadata m = meta;
        m["command"] = command;
        save_model_folder(out_dir, model, sv, tv, m);
        saved = true;
      };
      // Beam search costs about beam + 1 greedy decodes (measured on cmudict: beam 4
      // took 4.5× greedy's time).
      tc.tail_examples =
          static_cast<int64_t>(sp.test.size()) * (train_beam == 1 ? 1 : train_beam + 1);
      const double budget = tc.max_seconds;  // the whole run's
      if (budget > 0) tc.max_seconds = std::max(budget - elapsed(), 1e-3);
      TrainResult r = train(model, sp, sv, tv, tc);
      fmt::print("stopped: {} after {:.1f}s; best epoch {}\n", r.stop_reason, r.seconds,
                 r.best_epoch);
      if (!saved) save_model_folder(out_dir, model, sv, tv, run_meta);
      fmt::print("saved to {}/\ntest set: ", out_dir);
      EvalOptions eo;
      eo.beam_size = cap_beam(train_beam, tv);
      if (phones) eo.bucket_edges = kWordLengthEdges;
      if (budget > 0) eo.max_seconds = std::max(budget - elapsed(), 1e-3);
      EvalResult er = evaluate(model, sp.test, sv, tv, eo);
      if (er.evaluated < static_cast<int64_t>(sp.test.size()))
        fmt::print("(time limit: {} of {} examples) ", er.evaluated, sp.test.size());
      print_eval(er, phones);
    } else if (*eval_cmd) {
      check_data_flags(*eval_cmd, eval_data);
      check_model_count(model_dirs);
      check_html_models(html, model_dirs);
      if (!html.empty()) check_html_flag(html);
      const std::vector<LoadedModel> models = load_models(model_dirs);
      const LoadedModel& lm = models.front();
      if (!html.empty()) check_html_flag(html, &lm);
      Splits sp = load_data(eval_data, false);
      const bool phones = letters_in(eval_data, sp.test);
      warn_coverage(lm, sp.test);
      EvalOptions eo;
      eo.beam_size = cap_beam(beam, lm.tgt_vocab);
      if (phones) eo.bucket_edges = kWordLengthEdges;
      for (const LoadedModel& m : models)
        check_budget(m.model->config(), false, "eval", 1, 100, eo.beam_size);
      if (models.size() > 1) fmt::print("{}", describe_ensemble(models, model_dirs));
      print_eval(evaluate(ensemble_of(models), sp.test, lm.src_vocab, lm.tgt_vocab, eo), phones);
      if (!html.empty())
        eval_page(lm, sp.test, static_cast<int>(eo.beam_size), html_sentences, html,
                  "s2s eval --model " + model_dirs.front());
    } else if (*tr_cmd) {
      check_model_count(model_dirs);
      check_html_models(html, model_dirs);
      if (!html.empty()) check_html_flag(html);
      std::vector<LoadedModel> models = load_models(model_dirs);
      LoadedModel& lm = models.front();
      if (!html.empty()) check_html_flag(html, &lm);
      beam = cap_beam(beam, lm.tgt_vocab);
      for (const LoadedModel& m : models)
        check_budget(m.model->config(), false, "translate", 1, kMaxTranslateTokens, beam);
      if (!html.empty())  // one model (check_html_models)
        return translate_with_page(lm, tr_cmd->count("sentence") ? &sentence : nullptr, beam,
                                   heatmap, html, 2000);
      const std::vector<const LoadedModel*> all = pointers_to(models);
      const std::string note = heatmap ? heatmap_note(models, model_dirs) : "";
      return tr_cmd->count("sentence") ? translate_sentence(all, sentence, beam, heatmap, note)
                                       : translate_lines(all, std::cin, beam, heatmap, note);
    } else if (*info_cmd) {
      LoadedModel lm = load_model(model_dir);  // checks the folder as eval does
      auto get = [&](const char* key) {
        auto it = lm.metadata.find(key);
        return it == lm.metadata.end() ? std::string("(not recorded)") : it->second;
      };
      fmt::print("command: {}\nmodel: {} ({} parameters)\nbest epoch: {}  valid loss: {}\n",
                 get("command"), lm.model->describe(), lm.model->num_parameters(), get("epoch"),
                 get("valid_loss"));
      if (lm.metadata.count("averaged"))
        fmt::print("parameters: the average of {} checkpoints (--average-last)\n",
                   get("averaged"));
    }
  } catch (const UsageError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  } catch (const Error& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 1;
  }
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    fmt::print(stderr, "error: cannot write the output: {}\n", std::strerror(errno));
    return 1;
  }
  return 0;
}

// Anything else that escapes (bad_alloc, ios_base::failure, ...) is a clear error, exit code 1.
int main(int argc, char** argv) {
  return run_guarded([&] { return run(argc, argv); });
}
