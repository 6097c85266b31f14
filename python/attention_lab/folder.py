"""Model folders, with the C++ side's rules (seq2seq/model/model_folder.hpp, docs/cli.md):

  DIR/model.safetensors   parameters (C++ names, PyTorch layout), ModelConfig in the metadata
  DIR/src.vocab, tgt.vocab one token per line
  DIR/.s2s-save           the marker of the save that made the folder ("s2s model folder",
                          "pid PID", "token TOKEN": 64 random bits in 16 hex digits)

One writer per folder: save() and `train --out DIR` hold an exclusive flock on "DIR.lock"
beside DIR (the same lock `s2s train` takes, so the two engines exclude each other); a
second writer is refused at once, naming the holder's PID.

save() writes the marker, then the three files, into a fresh sibling "DIR.tmp-PID-TOKEN",
fsyncs, and swaps it in with one renameat2(RENAME_EXCHANGE) (DIR's own marker is first
replaced by this save's, so the old set, swapped out, is provably ours and is removed);
where the file system cannot exchange, DIR -> "DIR.old-PID-TOKEN", then the new set -> DIR.
A reader sees the old model or the new one, never a mix. Leftovers of killed writers are
removed by the next writer, under the lock, only when proven ours: a real folder named
DIR.tmp-PID-TOKEN or DIR.old-PID-TOKEN whose marker holds exactly that PID and TOKEN, whose
PID is not running, and which holds nothing but model files, the marker and their
temporaries (each unlinked by name, then rmdir, which fails on anything else).

load() never writes: it opens DIR once and each file relative to it, each file once.
"""
import ctypes
import dataclasses
import errno
import fcntl
import math
import os
import re
import stat
import time

import numpy as np
import torch

from .data import DataError, Vocab
from .model import CELLS, PLACEMENTS, SCORES, VARIANTS, Config, Seq2Seq
from .safetensors import SafetensorsError, read_safetensors_file, write_safetensors

FILES = ("model.safetensors", "src.vocab", "tgt.vocab")
MARKER = ".s2s-save"
# The longest folder name: the sibling NAME.tmp-PID-TOKEN must fit in 255 bytes.
MAX_FOLDER_NAME_BYTES = 255 - 34
# seq2seq/model/model_budget: refuse sizes this machine cannot hold before allocating.
MAX_PARAMETERS = 2_000_000_000


class FolderError(ValueError):
    """A folder that cannot be loaded or written; the message says why."""


# Keys added after the first folders were saved (issue 25), with Config's defaults.
OPTIONAL_KEYS = ("embed_dropout", "decoder_dropout", "decoder_layers")


def config_from_metadata(meta, where):
    """checkpoint.cpp config_from_metadata, with the registry names checked."""
    c = Config()
    for f in dataclasses.fields(Config):
        if f.name not in meta:
            if f.name in OPTIONAL_KEYS:  # saved before they existed: the defaults
                continue
            raise FolderError(f"{where}: metadata has no '{f.name}' (not a model saved by s2s?)")
        v = meta[f.name]
        if f.type in (float, "float"):
            try:
                x = float(v)
            except ValueError:
                x = math.nan
            if not 0 <= x < 1:  # also refuses nan
                raise FolderError(f"{where}: metadata '{f.name}' must be a number in [0, 1), "
                                  f"got '{v}'")
            setattr(c, f.name, x)
        elif f.type in (int, bool, "int", "bool"):
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
                "max_src_len", "decoder_layers"):
        if getattr(c, key) <= 0 or getattr(c, key) > 1 << 24:
            raise FolderError(f"{where}: metadata '{key}' = {getattr(c, key)} is out of range")
    if c.src_vocab <= 4 or c.tgt_vocab <= 4:
        raise FolderError(f"{where}: vocabularies must have more than the 4 special tokens")
    return c


def load(folder, device="cpu", dtype=torch.float32):
    """The model of a folder written by `s2s train` (or save()) as a torch.nn.Module
    (attention_lab.model.Seq2Seq), in eval mode, with .src_vocab, .tgt_vocab and .metadata.
    Raises FolderError (a clear message) for anything it cannot load."""
    try:
        files = _open_folder(folder)
    except OSError as e:
        raise FolderError(f"'{folder}': {e.strerror or e}") from None
    try:
        with os.fdopen(files.pop("src.vocab"), "rb") as f:
            src_vocab = Vocab.load_file(f, os.path.join(folder, "src.vocab"))
        with os.fdopen(files.pop("tgt.vocab"), "rb") as f:
            tgt_vocab = Vocab.load_file(f, os.path.join(folder, "tgt.vocab"))
        with os.fdopen(files.pop("model.safetensors"), "rb") as f:
            tensors, meta = read_safetensors_file(f, os.path.join(folder, "model.safetensors"))
    except (DataError, SafetensorsError) as e:
        raise FolderError(str(e)) from None
    except OSError as e:
        raise FolderError(f"'{folder}': {e.strerror or e}") from None
    finally:
        for fd in files.values():  # the ones not handed to a file object yet
            os.close(fd)
    where = f"'{folder}/model.safetensors'"
    c = config_from_metadata(meta, where)
    if c.src_vocab != len(src_vocab) or c.tgt_vocab != len(tgt_vocab):
        raise FolderError(f"{where}: the model expects vocabularies of {c.src_vocab} and "
                          f"{c.tgt_vocab} words, the files have {len(src_vocab)} and "
                          f"{len(tgt_vocab)}")
    approx = (c.src_vocab + c.tgt_vocab) * c.embed + 8 * c.hidden * (c.hidden + c.embed) * \
        (c.layers + c.decoder_layers + 1) + c.hidden * c.tgt_vocab
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


def _open_folder(folder):
    """{file name: descriptor}: DIR opened once, each file relative to it (openat), each
    once, so the three come from one save (model_folder.cpp open_model_folder). When DIR
    is swapped by a save while the files are opened, starts again (at most 50 times).
    Changes nothing on disk."""
    for attempt in range(51):
        try:
            dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except FileNotFoundError:
            hint = ""
            path = os.path.normpath(folder)
            parent, name = os.path.dirname(path) or ".", os.path.basename(path)
            try:
                for e in sorted(os.listdir(parent)):
                    if _parse_sibling(e, name, "old"):
                        hint = (f"; '{os.path.join(parent, e)}' holds the model of an "
                                f"interrupted save: the next `s2s train --out {folder} "
                                f"--overwrite` puts it back, or rename it to '{folder}' yourself")
            except OSError:
                pass
            raise FolderError(f"'{folder}' is not a folder (expected one written by `s2s train "
                              f"--out`): No such file or directory{hint}") from None
        except NotADirectoryError:
            raise FolderError(f"'{folder}' is not a folder (expected one written by `s2s train "
                              f"--out`)") from None
        fds, retry = {}, False
        try:
            for name in FILES:
                try:
                    fd = os.open(name, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK, dir_fd=dfd)
                except FileNotFoundError:
                    if attempt < 50 and _replaced(dfd, folder):
                        retry = True
                        break
                    raise FolderError(f"'{os.path.join(folder, name)}' is missing: cannot open "
                                      f"it (not a model folder, or an incomplete copy of one)") \
                        from None
                fds[name] = fd
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise FolderError(f"'{os.path.join(folder, name)}' is not a regular file")
                os.set_blocking(fd, True)
        except BaseException:
            for fd in fds.values():
                os.close(fd)
            raise
        finally:
            os.close(dfd)
        if not retry:
            return fds
        for fd in fds.values():
            os.close(fd)
    raise FolderError(f"'{folder}' keeps being replaced while it is read")


def _replaced(dfd, folder):
    """True when `folder` now names another folder than the descriptor (a save swapped it)."""
    try:
        a, b = os.fstat(dfd), os.stat(folder)
    except OSError:
        return True
    return (a.st_ino, a.st_dev) != (b.st_ino, b.st_dev)


_libc = None


def _exchange(a, b):
    """renameat2(a, b, RENAME_EXCHANGE); False where the file system cannot."""
    global _libc
    if os.environ.get("S2S_TEST_SAVE_NO_EXCHANGE"):  # the C++ side's testing hook
        return False
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


def _folder_path(folder):
    path = os.path.normpath(folder)
    name = os.path.basename(path)
    if name in ("", ".", "..") or not folder:
        raise FolderError(f"model folder '{folder}': give a folder of its own (e.g. "
                          f"runs/model): the whole folder is replaced when a model is saved")
    if len(os.fsencode(name)) > MAX_FOLDER_NAME_BYTES:
        raise FolderError(f"model folder '{folder[:60]}{'...' if len(folder) > 60 else ''}': "
                          f"the folder name is {len(os.fsencode(name))} bytes, more than the "
                          f"limit of {MAX_FOLDER_NAME_BYTES} (NAME.tmp-PID-TOKEN is written "
                          f"beside it, and a name has at most 255 bytes): choose a shorter name")
    return path


def _marker_text(pid, token):
    return f"s2s model folder\npid {pid}\ntoken {token}\n"


def _parse_sibling(name, base, kind):
    """(pid, token) of "<base>.<kind>-<PID>-<16 hex>", or None."""
    prefix = f"{base}.{kind}-"
    if not name.startswith(prefix):
        return None
    m = re.fullmatch(r"([0-9]{1,10})-([0-9a-f]{16})", name[len(prefix):])
    return (int(m.group(1)), m.group(2)) if m else None


def _is_folder_entry(name):
    """The names a model folder may hold: its files, the marker, and their temporaries."""
    if name in FILES or name == MARKER:
        return True
    if any(re.fullmatch(re.escape(f) + r"\.tmp\.[0-9]+", name) for f in FILES):
        return True
    return name.startswith(MARKER + ".") and name.endswith(".tmp") and len(name) > 14


def _process_alive(pid):
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _read_small(dfd, name, limit=4096):
    try:
        fd = os.open(name, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK,
                     dir_fd=dfd)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        return os.read(fd, limit + 1).decode("utf-8", errors="replace")
    except OSError:
        return None
    finally:
        os.close(fd)


def _remove_ours(folder, marker):
    """Removes a folder this writer made or proved ours (model_folder.cpp remove_ours): with
    `marker`, only a real folder whose marker is exactly that; only when every entry has a
    model folder's name; each unlinked by name, then rmdir (fails on anything else)."""
    try:
        dfd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if marker is not None and _read_small(dfd, MARKER) != marker:
            return False
        names = os.listdir(dfd)
        if not all(_is_folder_entry(n) for n in names):
            return False
        for n in names:
            try:
                os.unlink(n, dir_fd=dfd)
            except OSError:
                pass
    except OSError:
        return False
    finally:
        os.close(dfd)
    try:
        os.rmdir(folder)
        return True
    except OSError:
        return False


def clean_leftovers(folder):
    """The writer's cleanup, under the lock (model_folder.cpp clean_leftovers): the names it
    removed or restored. Touches only what it can prove a dead writer made; never raises."""
    done = []
    try:
        path = _folder_path(folder)
        parent, base = os.path.dirname(path) or ".", os.path.basename(path)
        found = []
        for name in sorted(os.listdir(parent)):
            for kind in ("tmp", "old"):
                pt = _parse_sibling(name, base, kind)
                full = os.path.join(parent, name)
                if pt and os.path.isdir(full) and not os.path.islink(full) and \
                        (pt[0] == os.getpid() or not _process_alive(pt[0])):
                    found.append((full, pt[0], pt[1], kind == "old"))
        if not os.path.lexists(path):  # a kill between the fallback's two renames
            for full, pid, token, old in found:
                ours = False
                try:
                    dfd = os.open(full, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
                    ours = _read_small(dfd, MARKER) == _marker_text(pid, token)
                    os.close(dfd)
                except OSError:
                    pass
                if old and ours and all(os.path.isfile(os.path.join(full, f)) for f in FILES):
                    try:
                        os.rename(full, path)
                        done.append("restored " + os.path.basename(full))
                        break
                    except OSError:
                        pass
        for full, pid, token, _ in found:
            if os.path.lexists(full) and _remove_ours(full, _marker_text(pid, token)):
                done.append("removed " + os.path.basename(full))
        if os.path.isdir(path) and not os.path.islink(path):  # a marker being replaced
            dfd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            try:
                for name in os.listdir(dfd):
                    m = re.fullmatch(re.escape(MARKER) + r"\.([0-9]{1,10})-([0-9a-f]{16})\.tmp",
                                     name)
                    if not m or _process_alive(int(m.group(1))):
                        continue
                    if _read_small(dfd, name) == _marker_text(int(m.group(1)), m.group(2)):
                        os.unlink(name, dir_fd=dfd)
                        done.append("removed " + name)
            finally:
                os.close(dfd)
    except (OSError, FolderError):  # best effort: a save must not fail because of this
        pass
    return done


_held = set()  # the folders whose lock this process holds (flock conflicts between two
               # descriptors of one process, so a save inside train must not take it again)


class WriterLock:
    """The writer's exclusive lock on a folder: flock on "DIR.lock" beside it, the lock
    `s2s train --out DIR` takes (model_folder.cpp WriterLock). Raises FolderError at once
    when another process holds it, naming its PID. Use as a context manager, or call
    release(); the kernel releases it if the process dies."""

    def __init__(self, folder):
        path = _folder_path(folder)
        parent = os.path.dirname(path) or "."
        try:
            os.makedirs(parent, exist_ok=True)
        except OSError as e:
            raise FolderError(f"model folder '{folder}': cannot create folder '{parent}': "
                              f"{e.strerror or e}") from None
        self.path = path + ".lock"
        self.key = os.path.normpath(os.path.abspath(path))
        self.fd = None
        for attempt in range(101):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW,
                             0o644)
            except OSError as e:
                raise FolderError(f"model folder '{folder}': cannot create the lock file "
                                  f"'{self.path}': {e.strerror or e}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                pid = (_read_small(None, self.path, 64) or "").strip()
                os.close(fd)
                if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                    who = f"PID {pid}" if pid else "its PID is not recorded yet"
                    raise FolderError(f"model folder '{folder}' is being written by another "
                                      f"writer (s2s train, or attention_lab train or save; "
                                      f"{who}; lock file '{self.path}'): wait for it to finish, "
                                      f"or choose another folder") from None
                raise FolderError(f"model folder '{folder}': cannot lock '{self.path}': "
                                  f"{e.strerror or e}") from None
            # The previous holder removes the file as it exits: is ours the one at the path?
            try:
                a, b = os.fstat(fd), os.stat(self.path)
                if (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev):
                    self.fd = fd
                    break
            except OSError:
                pass
            os.close(fd)
        if self.fd is None:
            raise FolderError(f"model folder '{folder}': the lock file '{self.path}' keeps "
                              f"changing")
        try:  # the PID is for messages only
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, f"{os.getpid()}\n".encode(), 0)
        except OSError:
            pass
        _held.add(self.key)

    def release(self):
        if self.fd is None:
            return
        _held.discard(self.key)
        try:
            os.unlink(self.path)  # still holding the lock: see the inode check above
        except OSError:
            pass
        os.close(self.fd)
        self.fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release()


def holds_lock(folder):
    """True when this process holds the writer's lock on `folder`."""
    return os.path.normpath(os.path.abspath(os.path.normpath(folder))) in _held


def check_output_folder(folder):
    """What save() will refuse, checked before any work (as `s2s train --out` does): the
    name fits, the folder is a folder or does not exist, it holds nothing but a model (the
    whole folder is replaced) and is not a mount point, and the nearest existing parent is
    writable and not on a read-only file system."""
    path = _folder_path(folder)
    if os.path.lexists(path) and (os.path.islink(path) or not os.path.isdir(path)):
        raise FolderError(f"save '{folder}': it is "
                          f"{'a symbolic link' if os.path.islink(path) else 'a file'}, "
                          f"not a folder")
    if os.path.isdir(path):
        for entry in sorted(os.listdir(path)):
            if not _is_folder_entry(entry):
                raise FolderError(f"save '{folder}': it holds '{entry}', which is not part of "
                                  f"a model; a save replaces the whole folder, so choose another "
                                  f"folder (or move that file away)")
        if os.path.ismount(path):
            raise FolderError(f"save '{folder}' is a mount point: a save replaces the folder by "
                              f"renaming, which a mount point does not allow; give a folder "
                              f"inside it (e.g. {path}/model)")
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    try:
        if os.statvfs(parent).f_flag & os.ST_RDONLY:
            raise FolderError(f"save '{folder}': '{parent}' is on a read-only file system")
    except OSError:
        pass
    if not os.access(parent, os.W_OK | os.X_OK):
        raise FolderError(f"save '{folder}': cannot write in '{parent}'")
    return path


def _write_synced(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    except OSError:
        os.close(fd)
        os.unlink(path)
        raise
    os.close(fd)


def save(model, folder, metadata=None):
    """Writes `model` (a Seq2Seq from load(), with its vocabularies) as a folder that
    `s2s translate|eval|info` load, as one transaction, under the writer's lock (taken here
    unless this process holds it). Extra metadata (str: str) is kept beside the config.
    Raises FolderError; on any failure the folder is unchanged."""
    path = _folder_path(folder)
    params = dict(model.named_parameters())
    for n, p in params.items():
        if not torch.isfinite(p).all():
            raise FolderError(f"save '{folder}': parameter '{n}' holds NaN or Inf; not saved")
    lock = None if holds_lock(path) else WriterLock(path)
    try:
        check_output_folder(path)
        clean_leftovers(path)
        _save_locked(model, folder, path, params, metadata)
    finally:
        if lock is not None:
            lock.release()


def _save_locked(model, folder, path, params, metadata):
    name = os.path.basename(path)
    meta = dict(getattr(model, "metadata", {}) or {})
    meta.update(metadata or {})
    meta.update(model.config.metadata())
    parent = os.path.dirname(path) or "."
    pid, token = os.getpid(), os.urandom(8).hex()
    marker = _marker_text(pid, token)
    tmp = os.path.join(parent, f"{name}.tmp-{pid}-{token}")
    marker_tmp = os.path.join(path, f"{MARKER}.{pid}-{token}.tmp")
    try:
        os.mkdir(tmp, 0o755)
    except OSError as e:
        raise FolderError(f"save '{folder}': cannot create folder '{tmp}': "
                          f"{e.strerror or e}; the folder is unchanged") from None
    try:
        _write_synced(os.path.join(tmp, MARKER), marker)  # first: the folder is provably ours
        model.src_vocab.save(os.path.join(tmp, "src.vocab"))
        model.tgt_vocab.save(os.path.join(tmp, "tgt.vocab"))
        write_safetensors(os.path.join(tmp, "model.safetensors"),
                          {n: p.detach().to("cpu", torch.float32) for n, p in params.items()},
                          meta)
        _fsync_dir(tmp)
        if not os.path.exists(path):
            os.rename(tmp, path)
        else:
            # The old set gets this save's marker, so it is provably ours once swapped out.
            _write_synced(marker_tmp, marker)
            os.rename(marker_tmp, os.path.join(path, MARKER))
            if _exchange(tmp, path):
                _remove_ours(tmp, marker)  # now the old set
            else:
                old = os.path.join(parent, f"{name}.old-{pid}-{token}")
                os.rename(path, old)
                try:
                    os.rename(tmp, path)
                except OSError:
                    os.rename(old, path)
                    raise
                _remove_ours(old, marker)
    except OSError as e:
        _remove_ours(tmp, None)  # made by this save a moment ago (mkdir refuses a taken name)
        try:
            os.unlink(marker_tmp)
        except OSError:
            pass
        raise FolderError(f"save '{folder}': {e.strerror or e}; the folder is unchanged") \
            from None
    try:  # the rename itself is durable once the parent folder is synced
        _fsync_dir(parent)
    except OSError:
        pass
