#pragma once
// Training loop: teacher forcing, loss masking, gradient clipping, Adam,
// validation each epoch, early stopping, best-model checkpoint, progress bar.
#include <functional>
#include <string>
#include <vector>

#include "nn/safetensors.hpp"
#include "seq2seq/data/example.hpp"
#include "seq2seq/data/vocab.hpp"
#include "seq2seq/model/seq2seq.hpp"

namespace s2s {

struct EpochLog {
  int epoch = 0;
  double train_loss = 0, valid_loss = 0, valid_exact = 0;
  double grad_norm = 0;  // mean pre-clipping gradient norm
  double seconds = 0;    // since training started
  int64_t steps = 0;     // updates so far
  double lr = 0;         // learning rate used in this epoch's last steps
};
// Which validation is the best one: the lowest valid loss (cross-entropy), or the
// highest valid exact match (greedy decoding; the share of sentences right). A
// long run that keeps improving its outputs while its loss grows more confident
// (and so rises) keeps the later model under `exact`.
enum class SelectBy { loss, exact };

struct TrainConfig {
  int epochs = 10;
  int64_t batch_size = 32;
  real lr = real(2e-3);
  real clip = 1;             // max global gradient norm (0: no clipping)
  real teacher_forcing = 1;  // probability of feeding the gold previous token
  int patience = 3;          // stop after this many validations without a better one (select_by)
  SelectBy select_by = SelectBy::loss;  // what "better" means: best model, patience, averaging
  // Validate every this many updates instead of at each epoch's end (0: each epoch):
  // for long epochs, finer curves, checkpoints and early stopping.
  int64_t validate_every = 0;
  // Decay on plateau (nn/lr_schedule.hpp): after lr_patience validations without a
  // better valid loss, lr ← max(lr · lr_decay, min_lr). lr_decay = 1: constant rate.
  // lr_anneal_hold >= 0 anneals instead (HoldThenAnneal): lr stays for that share
  // of the budget (the largest share used of max_seconds, max_steps and epochs),
  // then falls geometrically to min_lr at its end. < 0: off.
  double lr_anneal_hold = -1;
  real lr_decay = 1;
  int lr_patience = 1;
  real min_lr = 0;
  double max_seconds = 0;  // time budget of training and validation together (0: none)
  // Examples the caller evaluates after training inside the same budget (the test
  // set): training stops early enough to leave them time at the measured
  // validation speed.
  int64_t tail_examples = 0;
  int64_t max_steps = 0;         // stop after this many updates (0: no limit)
  // Regularisation (issue 25; 0 = off). label_smoothing ε: the training loss's
  // targets are (1-ε) onehot + ε/V (nn/label_smoothing.hpp); validation keeps the
  // plain cross-entropy, so valid losses compare across settings.
  real label_smoothing = 0;
  // weight_decay λ: decoupled (AdamW): before each Adam update every parameter
  // shrinks by lr·λ of itself (nn/weight_decay.hpp).
  real weight_decay = 0;
  // average_last K > 1: the model kept (left in the model, checkpointed, passed to
  // on_best) is the average of the parameters at the K validations that end at
  // the best one (fewer when fewer came before it), instead of the best
  // validation's parameters alone. The average is validated once more, after
  // training. 1: the best validation's parameters (averaging off).
  int average_last = 1;
  uint64_t seed = 1;             // batch order, teacher forcing, dropout
  std::string checkpoint;        // best model's safetensors path, with the ModelConfig in its
                                 // metadata so load_model can rebuild it ("" = memory only)
  bool progress = true;          // progress bar (plain lines when not a terminal)
  bool anomaly = false;          // check every op for NaN/Inf (slow; for debugging)
  int64_t valid_examples = 500;  // validation subset size (0 = all), spread over the split
  // Divergence: a batch loss above this stops training with an s2s::Error (as a
  // NaN or Inf loss does). 0: 100 + 10·ln(target vocabulary), far above the
  // ln(V) of a uniform guess that training starts from.
  double max_loss = 0;
  // Called with the metadata (config, epoch, valid_loss) at every new best epoch,
  // after `checkpoint` is written if that is set: e.g. to save a whole model folder.
  std::function<void(const Metadata&)> on_best;
  // Called after every validation with its log line (besides the progress print).
  std::function<void(const EpochLog&)> on_validation;
};

struct TrainResult {
  std::vector<EpochLog> epochs;
  // average_last > 1: how many validations' parameters were averaged (0: none), and
  // the average's validation.
  int averaged = 0;
  double averaged_valid_loss = 0, averaged_valid_exact = 0;
  std::vector<double> step_losses;  // every update's loss, for loss curves
  int best_epoch = 0;
  double best_valid_loss = 0;
  double seconds = 0;
  std::string stop_reason;  // "epochs", "early stopping", "time limit", "step limit"
};

// Trains `model` on data.train, validates on data.valid, and leaves the best
// epoch's parameters in the model (and in cfg.checkpoint if set). A non-finite
// loss, or one above cfg.max_loss, stops training with an s2s::Error; the best
// checkpoint is never overwritten by a diverged model.
TrainResult train(Seq2Seq& model, const Splits& data, const Vocab& src_vocab,
                  const Vocab& tgt_vocab, const TrainConfig& cfg);

// Vocabularies built from the training split (source and target).
std::pair<Vocab, Vocab> build_vocabs(const std::vector<Example>& train);

}  // namespace s2s
