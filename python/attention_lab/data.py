"""Text and data rules of the s2s CLI (seq2seq/data/): tokenizer, vocabularies, the TSV
and cmudict splits (bit for bit: the same std::mt19937_64 and FNV-1a), batches."""
import os

import torch

from .model import PAD, SOS, EOS, UNK

SPECIALS = ["<pad>", "<sos>", "<eos>", "<unk>"]
_PUNCT = set(".,!?;:\"()")
_SPACE = " \t\n\r\f\v"
KMIN_TSV_PAIRS = 10  # seq2seq/data/tatoeba.hpp kMinTsvPairs
CMUDICT_PATH = "/usr/share/festival/dicts/cmu/cmudict-0.4.out"
MAX_VOCAB_BYTES = 64_000_000  # seq2seq/data/read_limits.hpp kMaxVocabBytes


class DataError(ValueError):
    """Bad input data; the message says what and where."""


def tokenize(text):
    """seq2seq/data/tokenizer.cpp: split at white space and a byte order mark, punctuation
    . , ! ? ; : " ( ) ¿ ¡ as tokens of its own, ASCII upper case lowered."""
    out, cur = [], []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACE or ch == "\ufeff":
            if cur:
                out.append("".join(cur))
                cur = []
        elif ch in _PUNCT or ch in "¿¡":
            if cur:
                out.append("".join(cur))
                cur = []
            out.append(ch)
        else:
            cur.append(ch.lower() if "A" <= ch <= "Z" else ch)
        i += 1
    if cur:
        out.append("".join(cur))
    return out


def detokenize(tokens):
    """seq2seq/data/tokenizer.cpp detokenize."""
    out, glue_next, quote_open = "", True, False
    for t in tokens:
        glue_this = glue_next or t in (".", ",", "!", "?", ";", ":", ")")
        if t == '"':
            glue_this = glue_next or quote_open
            quote_open = not quote_open
            glue_next = quote_open
        else:
            glue_next = t in ("¿", "¡", "(")
        if not glue_this:
            out += " "
        out += t
    return out


class Vocab:
    """seq2seq/data/vocab.cpp: line i of the file is id i, the four specials first."""

    def __init__(self, words=None):
        self.words = list(SPECIALS) if words is None else list(words)
        self.ids = {w: i for i, w in enumerate(self.words)}

    def __len__(self):
        return len(self.words)

    def id(self, w):
        return self.ids.get(w, UNK)

    def encode(self, tokens):
        return [self.id(t) for t in tokens]

    def decode(self, ids):
        out = []
        for i in ids:
            if i == EOS:
                break
            if i in (PAD, SOS):
                continue
            out.append(self.words[i])
        return out

    @staticmethod
    def load(path):
        try:
            with open(path, "rb") as f:
                return Vocab.load_file(f, path)
        except OSError as e:
            raise DataError(f"cannot open '{path}': {e.strerror}") from None

    @staticmethod
    def load_file(f, path):
        """From an open binary file; its size is checked (MAX_VOCAB_BYTES) before reading."""
        size = os.fstat(f.fileno()).st_size
        if size > MAX_VOCAB_BYTES:
            raise DataError(f"'{path}' is {size} bytes, more than the limit of "
                            f"{MAX_VOCAB_BYTES} for a vocabulary file")
        data = f.read(MAX_VOCAB_BYTES + 1)
        if len(data) > MAX_VOCAB_BYTES:
            raise DataError(f"'{path}' is more than the limit of {MAX_VOCAB_BYTES} bytes for a "
                            f"vocabulary file")
        try:
            lines = data.decode("utf-8").split("\n")
        except UnicodeDecodeError:
            raise DataError(f"'{path}' is not UTF-8 text") from None
        if lines and lines[-1] == "":
            lines.pop()
        words = []
        for n, line in enumerate(lines, 1):
            if line.endswith("\r"):
                line = line[:-1]
            if n <= 4:
                if line != SPECIALS[n - 1]:
                    raise DataError(f"'{path}' line {n}: expected special token "
                                    f"{SPECIALS[n - 1]}, got '{line}'")
            elif not line:
                raise DataError(f"'{path}' line {n}: empty token")
            words.append(line)
        if len(words) < 4:
            raise DataError(f"'{path}' has {len(words)} lines, expected at least the 4 "
                            f"special tokens")
        if len(set(words)) != len(words):
            raise DataError(f"'{path}': a duplicate token")
        return Vocab(words)

    def save(self, path):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for w in self.words:
                f.write(w + "\n")
            f.flush()
            os.fsync(f.fileno())


class MT19937_64:
    """std::mt19937_64 (core/rng.hpp's generator), so splits and orders match s2s."""
    _M = (1 << 64) - 1

    def __init__(self, seed):
        self.mt = [0] * 312
        self.mt[0] = seed & self._M
        for i in range(1, 312):
            prev = self.mt[i - 1]
            self.mt[i] = (6364136223846793005 * (prev ^ (prev >> 62)) + i) & self._M
        self.i = 312

    def _twist(self):
        mt = self.mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[i] = mt[(i + 156) % 312] ^ xa
        self.i = 0

    def next(self):
        if self.i >= 312:
            self._twist()
        y = self.mt[self.i]
        self.i += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & self._M

    def below(self, n):
        return 0 if n == 0 else self.next() % n


def group_by_source(pairs):
    """seq2seq/data/example.cpp group_by_source: one (src, tgt, others) per source, in the
    order of first appearance; a repeated pair counts once."""
    out, index = [], {}
    for p in pairs:
        key = " ".join(p[0])
        if key not in index:
            index[key] = len(out)
            out.append((p[0], p[1], list(p[2]) if len(p) > 2 else []))
            continue
        g = out[index[key]]
        for t in [p[1]] + (list(p[2]) if len(p) > 2 else []):
            if t != g[1] and t not in g[2]:
                g[2].append(t)
    return out


def one_pair_per_target(examples):
    """seq2seq/data/example.cpp one_pair_per_target."""
    return [(e[0], t) for e in examples for t in [e[1]] + (list(e[2]) if len(e) > 2 else [])]


def split_pairs(pairs, seed, valid_frac=0.1, test_frac=0.1):
    """seq2seq/data/tatoeba.cpp split_pairs: group repeated sources, shuffle, cut
    test | valid | train; train has one pair per target."""
    unique = group_by_source(pairs)
    rng = MT19937_64(seed)
    for i in range(len(unique), 1, -1):
        j = rng.below(i)
        unique[i - 1], unique[j] = unique[j], unique[i - 1]
    n = len(unique)
    n_valid, n_test = int(valid_frac * n), int(test_frac * n)
    return {"test": unique[:n_test], "valid": unique[n_test:n_test + n_valid],
            "train": one_pair_per_target(unique[n_test + n_valid:])}


def read_tsv_pairs(path, max_len=20):
    """seq2seq/data/tatoeba.cpp load_tatoeba: 'source<TAB>target' lines (a third column is
    ignored), blank lines skipped, malformed ones warned about, pairs longer than max_len
    tokens on either side dropped. Returns (pairs, warnings)."""
    if os.path.isdir(path):
        raise DataError(f"'{path}' is a folder, not a file")
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise DataError(f"cannot open '{path}': {e.strerror}") from None
    text = raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    pairs, warnings, malformed = [], [], 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for n, line in enumerate(lines, 1):
        if line.strip(" \t\f\v") == "":
            continue
        cols = line.split("\t")
        src = tokenize(cols[0]) if len(cols) > 1 else []
        tgt = tokenize(cols[1]) if len(cols) > 1 else []
        if not src or not tgt:
            malformed += 1
            if malformed <= 10:
                short = line if len(line) <= 60 else line[:57] + "..."
                warnings.append(f"tatoeba: line {n}: expected 'source<TAB>target', got '{short}'")
            continue
        if max_len > 0 and (len(src) > max_len or len(tgt) > max_len):
            continue
        pairs.append((src, tgt))
    if malformed > 10:
        warnings.append(f"tatoeba: {malformed - 10} more malformed lines not shown "
                        f"({malformed} in all)")
    return pairs, warnings


def load_tsv_splits(path, seed=7, max_len=20):
    """s2s's --tsv data: the same train/valid/test split as `s2s eval --tsv`."""
    pairs, warnings = read_tsv_pairs(path, max_len)
    n = len(group_by_source(pairs))
    s = split_pairs(pairs, seed)
    if n < KMIN_TSV_PAIRS:
        raise DataError(f"tsv '{path}': {n} usable pairs, need at least {KMIN_TSV_PAIRS} (for a "
                        f"training, validation and test split). Lines must read "
                        f"'source<TAB>target'")
    return s, warnings


def _cmudict_split(word):
    h = 14695981039346656037
    for ch in word.encode("latin-1"):
        h = ((h ^ ch) * 1099511628211) & ((1 << 64) - 1)
    r = h % 100
    return "train" if r < 90 else "valid" if r < 95 else "test"


_VOWELS = {"aa", "ae", "ah", "ao", "aw", "ax", "axr", "ay", "eh", "er", "ey", "ih", "ix", "iy",
           "ow", "oy", "uh", "uw"}


def _plain_line(line, stress):
    """seq2seq/data/cmudict.cpp parse_plain_dict_line: (word, phones), or None for a
    comment or blank line."""
    fields = []
    for f in line.split():
        if f.startswith("#"):
            break
        fields.append(f)
    if not fields:
        return None
    word = fields[0]
    if len(word) > 3 and word.endswith(")"):
        o = word.rfind("(")
        if o > 0 and o + 2 < len(word) and word[o + 1:-1].isdigit() and word[o + 1:-1].isascii():
            word = word[:o]
    if len(fields) < 2:
        raise DataError(f'the word "{word}" has no phones')
    phones = []
    for f in fields[1:]:
        ph, digit = (f[:-1], f[-1]) if f[-1] in "012" else (f, "")
        ph = "".join(c.lower() if "A" <= c <= "Z" else c for c in ph)
        if not ph or len(ph) > 4 or not all("a" <= c <= "z" for c in ph):
            raise DataError(f'"{f}" is not a phone (letters, then an optional stress digit 0, 1 '
                            f'or 2), in "{word}"')
        phones.append(ph + digit if stress and digit else ph)
    return word, phones


def _festival_line(line, stress):
    if not line.startswith('("'):
        return None
    end = line.find('"', 2)
    word = line[2:end]
    syl = line.find("((", end)
    phones, i = [], syl + 1
    while i < len(line):
        while i < len(line) and line[i] == " ":
            i += 1
        if i >= len(line) or line[i] != "(":
            break
        close = line.find(")", i + 2)
        syllable = line[i + 2:close].split()
        d = close + 1
        while d < len(line) and line[d] == " ":
            d += 1
        digit = line[d]
        for ph in syllable:
            phones.append(ph + digit if stress and ph in _VOWELS else ph)
        i = line.find(")", d) + 1
    return word, phones


def _not_an_entry(line):
    t = line.lstrip(" \t\r\f\v")
    return not t or t.startswith("#") or t.startswith(";;;") or t == "MNCL"


def load_cmudict(path=CMUDICT_PATH, stress=False, max_len=0, stats=None):
    """seq2seq/data/cmudict.cpp: Festival's dictionary or the plain CMUdict format (told
    from the first entry), letters and apostrophes in, phones out, split by an FNV-1a hash
    of the word (90 / 5 / 5). Train: one pair per pronunciation; valid and test: one
    (src, tgt, others) per word. `stats`, a dict, gets the counts and "summary", the
    line s2s prints as "data: ..."."""
    try:
        with open(path, encoding="latin-1") as f:
            lines = f.read().split("\n")
    except OSError as e:
        raise DataError(f"cannot read the CMU dictionary '{path}' (Debian: apt-get install "
                        f"festlex-cmu): {e.strerror}") from None
    first = next((ln for ln in lines if not _not_an_entry(ln)), "(")
    festival = first.lstrip(" \t\r\f\v").startswith("(")
    words = {}  # word -> its pronunciations, in the order of first appearance
    chars, bad_words, repeats, long_ = 0, set(), 0, 0
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        try:
            e = _festival_line(line, stress) if festival else (
                None if _not_an_entry(line) else _plain_line(line, stress))
        except DataError as err:
            raise DataError(f"{path}:{n}: {err}") from None
        if e is None:
            continue
        word = "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in e[0])
        if not word or not all("a" <= ch <= "z" or ch == "'" for ch in word):
            chars += 1
            bad_words.add(word)
            continue
        if max_len and len(word) > max_len:
            long_ += 1
            continue
        prons = words.setdefault(word, [])
        if e[1] in prons:
            repeats += 1
        else:
            prons.append(e[1])
    splits = {"train": [], "valid": [], "test": []}
    for word, prons in words.items():
        split = _cmudict_split(word)
        if split == "train":
            splits["train"] += [([ch for ch in word], p) for p in prons]
        else:
            splits[split].append(([ch for ch in word], prons[0], prons[1:]))
    if stats is not None:
        n_prons = sum(map(len, words.values()))
        several = sum(len(p) > 1 for p in words.values())
        stats["summary"] = (
            f"{'Festival' + chr(39) + 's' if festival else 'the plain CMUdict'} format: "
            f"{len(words)} words, {n_prons} pronunciations ({several} words with several); "
            f"skipped: {chars} entries of {len(bad_words)} words with a character that is not "
            f"a letter or an apostrophe, {repeats} repeated pronunciations, {long_} longer than "
            f"--max-len")
    return splits


def reads_letters(vocab):
    """seq2seq/cli/validate.cpp: a model whose source words are all single characters reads
    a line letter by letter."""
    return all(len(w) == 1 or (w[0] == "<" and w[-1] == ">") for w in vocab.words)


def letters_of(text, vocab):
    out = []
    for ch in text:
        if ch in _SPACE:
            continue
        low = ch.lower() if "A" <= ch <= "Z" else ch
        out.append(low if ch not in vocab.ids and low in vocab.ids else ch)
    return out


def make_batch(pairs, src_vocab, tgt_vocab, device="cpu"):
    """seq2seq/data/batch.cpp make_batch -> src (B,S), lengths (B), tgt_in, tgt_out (B,T)."""
    src = [src_vocab.encode(p[0]) for p in pairs]
    tgt = [tgt_vocab.encode(p[1]) + [EOS] for p in pairs]
    S, T = max(map(len, src)), max(map(len, tgt))
    B = len(pairs)
    s = torch.full((B, S), PAD, dtype=torch.long)
    ti = torch.full((B, T), PAD, dtype=torch.long)
    to = torch.full((B, T), PAD, dtype=torch.long)
    for b in range(B):
        s[b, :len(src[b])] = torch.tensor(src[b])
        to[b, :len(tgt[b])] = torch.tensor(tgt[b])
        ti[b, :len(tgt[b])] = torch.tensor([SOS] + tgt[b][:-1])
    lengths = torch.tensor([len(x) for x in src], dtype=torch.long)
    return s.to(device), lengths.to(device), ti.to(device), to.to(device)


def epoch_plan(pairs, batch_size, rng, chunk_batches=20):
    """seq2seq/data/batch.cpp Batcher::epoch_plan: shuffle, sort chunks of chunk_batches
    batches by source length, cut into batches, shuffle the batches."""
    order = list(range(len(pairs)))
    for i in range(len(order), 1, -1):
        j = rng.below(i)
        order[i - 1], order[j] = order[j], order[i - 1]
    chunk = chunk_batches * batch_size
    for lo in range(0, len(order), chunk):
        order[lo:lo + chunk] = sorted(order[lo:lo + chunk], key=lambda k: len(pairs[k][0]))
    plan = [order[lo:lo + batch_size] for lo in range(0, len(order), batch_size)]
    for i in range(len(plan), 1, -1):
        j = rng.below(i)
        plan[i - 1], plan[j] = plan[j], plan[i - 1]
    return plan
