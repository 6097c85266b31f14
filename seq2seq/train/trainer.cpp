#include "seq2seq/train/trainer.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <optional>

#include "core/error.hpp"
#include "nn/adam.hpp"
#include "nn/clip_grad.hpp"
#include "nn/lr_schedule.hpp"
#include "nn/safetensors.hpp"
#include "nn/weight_decay.hpp"
#include "seq2seq/model/checkpoint.hpp"
#include "seq2seq/train/evaluate.hpp"

namespace s2s {

std::pair<Vocab, Vocab> build_vocabs(const std::vector<Example>& train) {
  std::vector<std::vector<std::string>> src, tgt;
  for (const Example& e : train) src.push_back(e.src), tgt.push_back(e.tgt);
  return {Vocab::build(src), Vocab::build(tgt)};
}

namespace {

using Clock = std::chrono::steady_clock;

// One line that redraws itself on a terminal; plain lines otherwise (logs, CI).
class Progress {
 public:
  explicit Progress(bool on) : on_(on), tty_(on && isatty(fileno(stdout))) {}
  void update(int epoch, int64_t done, int64_t total, double loss, double elapsed) {
    if (!on_) return;
    if (epoch != epoch_) epoch_ = epoch, epoch_start_ = elapsed;  // the ETA is this epoch's
    const double eta = done > 0 ? (elapsed - epoch_start_) / static_cast<double>(done) *
                                      static_cast<double>(total - done)
                                : 0;
    if (tty_) {
      const int width = 24, filled = static_cast<int>(width * done / std::max<int64_t>(total, 1));
      fmt::print("\r  epoch {:>2} [{}{}] {:>4}/{} loss {:.3f} ETA {:.0f}s ", epoch,
                 std::string(filled, '#'), std::string(width - filled, '.'), done, total, loss,
                 eta);
      std::fflush(stdout);
    }
  }
  void epoch_done(const EpochLog& e) {
    if (!on_) return;
    fmt::print(
        "{}  epoch {:>2}: train loss {:.4f}  valid loss {:.4f}  valid exact {:5.1f}%  "
        "|g| {:.2f}  lr {:.3g}  {} steps  {:.1f}s\n",
        tty_ ? "\r" : "", e.epoch, e.train_loss, e.valid_loss, 100 * e.valid_exact, e.grad_norm,
        e.lr, e.steps, e.seconds);
    std::fflush(stdout);  // a log file or pipe sees each epoch as it ends
  }

 private:
  bool on_, tty_;
  int epoch_ = 0;
  double epoch_start_ = 0;
};

std::vector<Tensor> snapshot(const Module& m) {
  std::vector<Tensor> out;
  for (const Var& p : m.parameters()) out.push_back(p.value());
  return out;
}
void restore(Module& m, const std::vector<Tensor>& values) {
  auto params = m.parameters();
  for (size_t i = 0; i < params.size(); ++i) params[i].value() = values[i];
}

// The element-wise mean of parameter snapshots: θ̄ = (1/K) Σ_k θ_k.
std::vector<Tensor> average(const std::deque<std::vector<Tensor>>& snapshots) {
  std::vector<Tensor> mean = snapshots.front();
  const real inv = real(1) / static_cast<real>(snapshots.size());
  for (size_t i = 0; i < mean.size(); ++i) {
    real* m = mean[i].data();
    const int64_t n = mean[i].numel();
    for (size_t k = 1; k < snapshots.size(); ++k) {
      const real* x = snapshots[k][i].data();
      for (int64_t j = 0; j < n; ++j) m[j] += x[j];
    }
    for (int64_t j = 0; j < n; ++j) m[j] *= inv;
  }
  return mean;
}

}  // namespace

TrainResult train(Seq2Seq& model, const Splits& data, const Vocab& src_vocab,
                  const Vocab& tgt_vocab, const TrainConfig& cfg) {
  S2S_CHECK(!data.train.empty(), "train: the training set is empty");
  S2S_CHECK(cfg.batch_size > 0, "train: batch_size must be > 0, got {}", cfg.batch_size);
  S2S_CHECK(cfg.lr > 0 && std::isfinite(cfg.lr),
            "train: learning rate must be > 0 and finite, got {}", cfg.lr);
  S2S_CHECK(
      std::isfinite(cfg.label_smoothing) && cfg.label_smoothing >= 0 && cfg.label_smoothing < 1,
      "train: label_smoothing must be in [0, 1), got {}", cfg.label_smoothing);
  S2S_CHECK(cfg.average_last >= 1, "train: average_last must be >= 1, got {}", cfg.average_last);
  S2S_CHECK(
      std::isfinite(cfg.weight_decay) && cfg.weight_decay >= 0 && cfg.lr * cfg.weight_decay < 1,
      "train: weight_decay must be >= 0 with lr * weight_decay < 1, got {} (lr {})",
      cfg.weight_decay, cfg.lr);
  const double max_loss =
      cfg.max_loss > 0
          ? cfg.max_loss
          : 100 + 10 * std::log(static_cast<double>(std::max<int64_t>(tgt_vocab.size(), 2)));
  AnomalyGuard anomaly(cfg.anomaly);
  Rng rng(cfg.seed);
  BatcherOptions bo;
  Batcher batcher(data.train, src_vocab, tgt_vocab, cfg.batch_size, cfg.seed, bo);
  S2S_CHECK(cfg.lr_decay > 0 && cfg.lr_decay <= 1 && cfg.lr_patience >= 1,
            "train: lr_decay must be in (0, 1] and lr_patience >= 1, got {} and {}", cfg.lr_decay,
            cfg.lr_patience);
  Adam adam(model.parameters(), cfg.lr);
  PlateauDecay plateau(cfg.lr_decay, cfg.lr_patience, cfg.min_lr);
  const bool anneal = cfg.lr_anneal_hold >= 0;
  std::optional<HoldThenAnneal> annealing;
  if (anneal) annealing.emplace(cfg.lr, cfg.min_lr, cfg.lr_anneal_hold);
  // The validation subset is spread over the whole split (every k-th example), not
  // its first examples: a split in file order may be sorted (cmudict's is alphabetical).
  std::vector<Example> valid;
  const int64_t n_valid = static_cast<int64_t>(data.valid.size());
  const int64_t keep = cfg.valid_examples > 0 ? std::min(cfg.valid_examples, n_valid) : n_valid;
  for (int64_t i = 0; i < keep; ++i)
    valid.push_back(data.valid[static_cast<size_t>(i * n_valid / keep)]);

  TrainResult res;
  Progress progress(cfg.progress);
  const auto t0 = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  std::vector<Tensor> best = snapshot(model);
  // average_last: the parameters at the last K validations, and at the best one
  // the number of them it averages (the average itself is taken at the end).
  const size_t K = static_cast<size_t>(cfg.average_last);
  std::deque<std::vector<Tensor>> recent, best_window;
  double best_loss = INFINITY;
  double best_exact = -1;  // select_by exact: the best validation's exact match
  int since_best = 0;
  int64_t steps = 0;
  double valid_seconds_per_example = 0;  // measured at each validation
  res.stop_reason = "epochs";
  double reserve = 0;  // seconds to keep for what follows the next step (set at each step)
  double loss_sum = 0, norm_sum = 0;  // since the last validation
  int64_t n = 0;

  // One validation: the log line, the best model (and its checkpoint), plateau decay.
  // Returns true when patience has run out.
  auto validate = [&](int epoch) -> bool {
    EpochLog log;
    log.epoch = epoch;
    log.train_loss = loss_sum / static_cast<double>(std::max<int64_t>(n, 1));
    log.grad_norm = norm_sum / static_cast<double>(std::max<int64_t>(n, 1));
    log.steps = steps;
    log.lr = adam.lr;
    loss_sum = norm_sum = 0, n = 0;
    model.eval();
    bool partial = false;  // validation cut short by the time budget: a subset's loss
    if (!valid.empty()) {
      EvalOptions eo;  // validation counts against the time budget too
      if (cfg.max_seconds > 0) eo.max_seconds = std::max(cfg.max_seconds - elapsed(), 1e-9);
      const double v0 = elapsed();
      EvalResult v = evaluate(model, valid, src_vocab, tgt_vocab, eo);
      valid_seconds_per_example =
          (elapsed() - v0) / static_cast<double>(std::max<int64_t>(v.evaluated, 1));
      S2S_CHECK(std::isfinite(v.loss),
                "train: training diverged: the validation loss became {} at epoch {}; stopping. "
                "The best checkpoint was not overwritten. Try a lower learning rate (now {}).",
                v.loss, epoch, cfg.lr);
      log.valid_loss = v.loss;
      log.valid_exact = v.exact;
      partial = v.evaluated < static_cast<int64_t>(valid.size());
    } else {
      log.valid_loss = log.train_loss;
    }
    log.seconds = elapsed();
    res.epochs.push_back(log);
    if (K > 1) {
      recent.push_back(snapshot(model));
      if (recent.size() > K) recent.pop_front();
    }
    progress.epoch_done(log);
    if (cfg.on_validation) cfg.on_validation(log);
    model.train();
    // A loss over part of the validation set is not comparable with the others: it
    // only counts when there is no best epoch yet.
    // Without a validation split there is no exact match: the train loss decides.
    const bool by_exact = cfg.select_by == SelectBy::exact && !valid.empty();
    const bool better = by_exact ? log.valid_exact > best_exact : log.valid_loss < best_loss;
    if (better && (!partial || res.best_epoch == 0)) {
      best_loss = log.valid_loss;
      best_exact = log.valid_exact;
      res.best_epoch = epoch;
      best = snapshot(model);
      if (K > 1) best_window = recent;
      since_best = 0;
      if (!cfg.checkpoint.empty() || cfg.on_best) {  // atomic writes: a crash keeps the old
        Metadata meta = config_to_metadata(model.config());
        meta["epoch"] = std::to_string(epoch);
        meta["valid_loss"] = fmt::format("{}", best_loss);
        if (!cfg.checkpoint.empty()) save_module(cfg.checkpoint, model, meta);
        if (cfg.on_best) cfg.on_best(meta);
      }
    } else if (++since_best >= cfg.patience) {
      res.stop_reason = "early stopping";
      return true;
    }
    if (!partial && !anneal) adam.lr = plateau.update(log.valid_loss, adam.lr);
    return false;
  };

  for (int epoch = 1; epoch <= cfg.epochs; ++epoch) {
    // No new epoch when the budget is already spent.
    if (cfg.max_seconds > 0 && steps > 0 && elapsed() + reserve > cfg.max_seconds) {
      res.stop_reason = "time limit";
      break;
    }
    model.train();
    std::vector<Batch> batches = batcher.epoch();
    int64_t in_epoch = 0;
    bool out_of_budget = false, patience_out = false;
    for (const Batch& b : batches) {
      adam.zero_grad();
      ForwardOutput f = model.forward(b, cfg.teacher_forcing, &rng, cfg.label_smoothing);
      const double loss = f.loss.item();
      S2S_CHECK(std::isfinite(loss) && loss <= max_loss,
                "train: training diverged: the loss became {:.4g} at epoch {}, step {} (the "
                "bound is {:.4g}); stopping (the best checkpoint was not overwritten). Try a lower "
                "learning rate (now {}) or gradient clipping.",
                loss, epoch, steps + 1, max_loss, cfg.lr);
      f.loss.backward();
      norm_sum += cfg.clip > 0 ? clip_grad_norm(adam.params(), cfg.clip)
                               : clip_grad_norm(adam.params(), INFINITY);
      if (cfg.weight_decay > 0) decay_weights(adam.params(), adam.lr, cfg.weight_decay);
      adam.step();
      loss_sum += loss;
      res.step_losses.push_back(loss);
      ++n, ++in_epoch, ++steps;
      progress.update(epoch, in_epoch, static_cast<int64_t>(batches.size()),
                      loss_sum / static_cast<double>(n), elapsed());
      // The time budget covers validation and the caller's test evaluation too: stop
      // early enough for one more step, one validation and the tail examples.
      // Before the first validation, an example's evaluation is guessed to cost as
      // much as its training step (forward, backward and update vs forward and
      // decoding): about right, and measured from then on.
      const double step_seconds = elapsed() / static_cast<double>(steps);
      const double eval_seconds = valid_seconds_per_example > 0
                                      ? valid_seconds_per_example
                                      : step_seconds / static_cast<double>(cfg.batch_size);
      // (+20%: a test set decodes at about, not exactly, the validation's speed)
      // (averaging validates once more at the end)
      const double validations = K > 1 ? 2 : 1;
      reserve = step_seconds + 1.2 * eval_seconds *
                                   (validations * static_cast<double>(valid.size()) +
                                    static_cast<double>(cfg.tail_examples));
      if ((cfg.max_seconds > 0 && elapsed() + reserve > cfg.max_seconds) ||
          (cfg.max_steps > 0 && steps >= cfg.max_steps)) {
        out_of_budget = true;
        break;
      }
      if (anneal) {  // the share of the budget used so far
        double used =
            (epoch - 1 + static_cast<double>(in_epoch) / static_cast<double>(batches.size())) /
            cfg.epochs;
        if (cfg.max_steps > 0)
          used = std::max(used, static_cast<double>(steps) / static_cast<double>(cfg.max_steps));
        if (cfg.max_seconds > 0)
          used = std::max(used,
                          elapsed() / std::max(cfg.max_seconds - (reserve - step_seconds), 1e-9));
        adam.lr = annealing->at(used);
      }
      if (cfg.validate_every > 0 && steps % cfg.validate_every == 0 && validate(epoch)) {
        patience_out = true;
        break;
      }
    }
    if (patience_out) break;
    // Every epoch ends with a validation (without validate_every), and so does the
    // budget (unless one just ran).
    if ((cfg.validate_every == 0 || out_of_budget) && n > 0 && validate(epoch)) break;
    if (out_of_budget) {
      res.stop_reason = cfg.max_steps > 0 && steps >= cfg.max_steps ? "step limit" : "time limit";
      break;
    }
  }
  // The updates since the last validation count too (with validate_every).
  if (res.stop_reason == "epochs" && n > 0) validate(cfg.epochs);
  restore(model, best);
  model.eval();
  if (best_window.size() > 1) {  // average_last: the K validations ending at the best
    restore(model, average(best_window));
    res.averaged = static_cast<int>(best_window.size());
    if (!valid.empty()) {
      EvalOptions eo;
      if (cfg.max_seconds > 0) eo.max_seconds = std::max(cfg.max_seconds - elapsed(), 1e-9);
      EvalResult v = evaluate(model, valid, src_vocab, tgt_vocab, eo);
      res.averaged_valid_loss = v.loss;
      res.averaged_valid_exact = v.exact;
    }
    if (cfg.progress)
      fmt::print(
          "  average of the {} validations ending at the best (epoch {}): valid loss {:.4f}  "
          "valid exact {:5.1f}%\n",
          res.averaged, res.best_epoch, res.averaged_valid_loss, 100 * res.averaged_valid_exact);
    if (!cfg.checkpoint.empty() || cfg.on_best) {
      Metadata meta = config_to_metadata(model.config());
      meta["epoch"] = std::to_string(res.best_epoch);
      meta["valid_loss"] = fmt::format("{}", res.averaged_valid_loss);
      meta["averaged"] = std::to_string(res.averaged);
      if (!cfg.checkpoint.empty()) save_module(cfg.checkpoint, model, meta);
      if (cfg.on_best) cfg.on_best(meta);
    }
  }
  res.best_valid_loss = best_loss;
  res.seconds = elapsed();
  return res;
}

}  // namespace s2s
