"""Model folders (seq2seq/model/checkpoint.cpp, model_folder.cpp):

  DIR/model.safetensors   parameters (C++ names, PyTorch layout), ModelConfig in the metadata
  DIR/src.vocab, tgt.vocab one token per line

save() writes the three files into a fresh sibling "DIR.tmp-PID", fsyncs them and the
folder, and swaps it in with one rename (renameat2 RENAME_EXCHANGE when DIR exists), as
the C++ side does: a reader sees the old model or the new one, never a mix.
"""
import ctypes
import dataclasses
import errno
import os
import shutil

import numpy as np
import torch

from .data import DataError, Vocab
from .model import CELLS, PLACEMENTS, SCORES, VARIANTS, Config, Seq2Seq
from .safetensors import SafetensorsError, read_safetensors, write_safetensors

FILES = ("model.safetensors", "src.vocab", "tgt.vocab")
# seq2seq/model/model_budget: refuse sizes this machine cannot hold before allocating.
MAX_PARAMETERS = 2_000_000_000


class FolderError(ValueError):
    """A folder that cannot be loaded or written; the message says why."""


def config_from_metadata(meta, where):
    """checkpoint.cpp config_from_metadata, with the registry names checked."""
    c = Config()
    for f in dataclasses.fields(Config):
        if f.name not in meta:
            raise FolderError(f"{where}: metadata has no '{f.name}' (not a model saved by s2s?)")
        v = meta[f.name]
        if f.type in (int, bool, "int", "bool"):
            try:
                x = int(v)
            except ValueError:
                raise FolderError(f"{where}: metadata '{f.name}' must be an integer, got "
                                  f"'{v}'") from None
            setattr(c, f.name, x != 0 if f.type in (bool, "bool") else x)
        else:
            setattr(c, f.name, v)
    for key, known, what in (("cell", CELLS, "cell kind"), ("variant", VARIANTS,
                             "attention variant"), ("placement", PLACEMENTS, "context placement")):
        if getattr(c, key) not in known:
            raise FolderError(f"{where}: unknown {what} '{getattr(c, key)}'; known: "
                              f"{', '.join(known)}")
    if c.attention and c.score not in SCORES:
        raise FolderError(f"{where}: unknown score function '{c.score}'; known: "
                          f"{', '.join(SCORES)}")
    for key in ("src_vocab", "tgt_vocab", "embed", "hidden", "layers", "window",
                "max_src_len"):
        if getattr(c, key) <= 0 or getattr(c, key) > 1 << 24:
            raise FolderError(f"{where}: metadata '{key}' = {getattr(c, key)} is out of range")
    if c.src_vocab <= 4 or c.tgt_vocab <= 4:
        raise FolderError(f"{where}: vocabularies must have more than the 4 special tokens")
    return c


def load(folder, device="cpu", dtype=torch.float32):
    """The model of a folder written by `s2s train` (or save()) as a torch.nn.Module
    (attention_lab.model.Seq2Seq), in eval mode, with .src_vocab, .tgt_vocab and .metadata.
    Raises FolderError (a clear message) for anything it cannot load."""
    if not os.path.isdir(folder):
        raise FolderError(f"'{folder}' is not a folder (expected one written by `s2s train "
                          f"--out`)")
    for f in FILES:
        p = os.path.join(folder, f)
        if not os.path.exists(p):
            raise FolderError(f"'{p}' is missing: cannot open it (not a model folder, or an "
                              f"incomplete copy of one)")
        if not os.path.isfile(p):
            raise FolderError(f"'{p}' is not a regular file")
    try:
        src_vocab = Vocab.load(os.path.join(folder, "src.vocab"))
        tgt_vocab = Vocab.load(os.path.join(folder, "tgt.vocab"))
        tensors, meta = read_safetensors(os.path.join(folder, "model.safetensors"))
    except (DataError, SafetensorsError) as e:
        raise FolderError(str(e)) from None
    where = f"'{folder}/model.safetensors'"
    c = config_from_metadata(meta, where)
    if c.src_vocab != len(src_vocab) or c.tgt_vocab != len(tgt_vocab):
        raise FolderError(f"{where}: the model expects vocabularies of {c.src_vocab} and "
                          f"{c.tgt_vocab} words, the files have {len(src_vocab)} and "
                          f"{len(tgt_vocab)}")
    approx = (c.src_vocab + c.tgt_vocab) * c.embed + 8 * c.hidden * (c.hidden + c.embed) * \
        (c.layers + 2) + c.hidden * c.tgt_vocab
    if approx > MAX_PARAMETERS:
        raise FolderError(f"{where}: a model of about {approx} parameters is too large")
    for name, t in tensors.items():
        if t.dtype.kind == "f" and not np.isfinite(t).all():
            bad = int((~np.isfinite(t)).sum())
            raise FolderError(f"{where}: tensor '{name}' holds {bad} non-finite value(s) (NaN "
                              f"or Inf): the checkpoint is corrupt or comes from a diverged run")
    try:
        model = Seq2Seq(c)
    except ValueError as e:
        raise FolderError(f"{where}: {e}") from None
    own = dict(model.named_parameters())
    missing = sorted(set(own) - set(tensors))
    extra = sorted(set(tensors) - set(own))
    if missing or extra:
        raise FolderError(f"{where}: the tensors do not match the config {c.describe()}: "
                          f"missing {missing[:5]}, unexpected {extra[:5]}")
    with torch.no_grad():
        for name, p in own.items():
            t = tensors[name]
            if tuple(t.shape) != tuple(p.shape):
                raise FolderError(f"{where}: tensor '{name}' has shape {list(t.shape)}, the "
                                  f"model needs {list(p.shape)}")
            p.copy_(torch.from_numpy(np.asarray(t, dtype=np.float64)))
    model.to(device=device, dtype=dtype)
    model.src_vocab, model.tgt_vocab, model.metadata = src_vocab, tgt_vocab, dict(meta)
    model.eval()
    return model


_libc = None


def _exchange(a, b):
    """renameat2(a, b, RENAME_EXCHANGE); False where the file system cannot."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    if fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err))


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_output_folder(folder):
    """What save() will refuse, checked before any work (as `s2s train --out` does)."""
    path = os.path.normpath(folder)
    name = os.path.basename(path)
    if name in ("", ".", ".."):
        raise FolderError(f"model folder '{folder}': give a folder of its own (e.g. "
                          f"runs/model): the whole folder is replaced when a model is saved")
    if os.path.exists(path) and not os.path.isdir(path):
        raise FolderError(f"save '{folder}': it is a file, not a folder")
    if os.path.isdir(path):
        for entry in os.listdir(path):
            if entry not in FILES and ".tmp." not in entry:
                raise FolderError(f"save '{folder}': it holds '{entry}', which is not part of "
                                  f"a model; a save replaces the whole folder")
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise FolderError(f"save '{folder}': cannot write in '{parent}'")
    return path


def save(model, folder, metadata=None):
    """Writes `model` (a Seq2Seq from load(), with its vocabularies) as a folder that
    `s2s translate|eval|info` load, as one transaction. Extra metadata (str: str) is kept
    beside the config. Raises FolderError; on any failure the folder is unchanged."""
    path = check_output_folder(folder)
    name = os.path.basename(path)
    params = dict(model.named_parameters())
    for n, p in params.items():
        if not torch.isfinite(p).all():
            raise FolderError(f"save '{folder}': parameter '{n}' holds NaN or Inf; not saved")
    meta = dict(getattr(model, "metadata", {}) or {})
    meta.update(metadata or {})
    meta.update(model.config.metadata())
    parent = os.path.dirname(path) or "."
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f"{name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        os.mkdir(tmp)
        model.src_vocab.save(os.path.join(tmp, "src.vocab"))
        model.tgt_vocab.save(os.path.join(tmp, "tgt.vocab"))
        write_safetensors(os.path.join(tmp, "model.safetensors"),
                          {n: p.detach().to("cpu", torch.float32) for n, p in params.items()},
                          meta)
        _fsync_dir(tmp)
        if not os.path.exists(path):
            os.rename(tmp, path)
        elif _exchange(tmp, path):
            shutil.rmtree(tmp, ignore_errors=True)  # now the old set
        else:
            old = os.path.join(parent, f"{name}.old-{os.getpid()}")
            shutil.rmtree(old, ignore_errors=True)
            os.rename(path, old)
            try:
                os.rename(tmp, path)
            except OSError:
                os.rename(old, path)
                raise
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(parent)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise FolderError(f"save '{folder}': {e.strerror or e}; the folder is unchanged") \
            from None

