"""The one safetensors reader and writer of the Python side (bench/ scripts use it too).

Format (https://huggingface.co/docs/safetensors): 8 bytes little-endian header length N,
N bytes of JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
{str: str}}, then the data section. The C++ side (nn/safetensors.cpp) pads the header with
spaces to 8 bytes; so does this writer.
"""
import json
import os
import struct

import numpy as np

_DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "F16": np.float16,
           "I32": np.int32}
_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}


class SafetensorsError(ValueError):
    """A file that is not valid safetensors; the message names the file and the problem."""


# The reader's limits, as nn/safetensors.hpp's: a file beyond them is refused with a message
# naming the limit, before the JSON is parsed (a header nested 100,000 deep would otherwise
# end in Python's RecursionError).
MAX_HEADER_BYTES = 100_000_000  # kMaxHeaderBytes: 100 MB, as the reference implementation
MAX_JSON_DEPTH = 64             # kMaxJsonDepth: s2s headers nest 3 deep


def check_json_depth(text, max_depth, what):
    """nn/safetensors.cpp check_json_depth: one pass over the bytes, strings skipped; raises
    SafetensorsError when arrays and objects nest deeper than max_depth."""
    depth, i, n, in_string = 0, 0, len(text), False
    while i < n:
        c = text[i]
        if in_string:
            if c == 0x5C:  # backslash: the escaped character cannot end the string
                i += 1
            elif c == 0x22:
                in_string = False
        elif c == 0x22:
            in_string = True
        elif c in (0x7B, 0x5B):  # { [
            depth += 1
            if depth > max_depth:
                raise SafetensorsError(f"{what}: the JSON nests deeper than {max_depth} levels "
                                       f"(at byte {i}); a checkpoint's header nests 3 deep, so "
                                       f"the file is corrupt or crafted")
        elif c in (0x7D, 0x5D):
            depth -= 1
        i += 1


def _read_exact(f, n, path, part):
    data = f.read(n)
    if len(data) != n:
        raise SafetensorsError(f"'{path}': the file ended inside the {part} (it shrank while "
                               f"being read?)")
    return data


def read_safetensors(path):
    """Returns ({name: numpy array}, {metadata str: str}). Raises SafetensorsError."""
    try:
        f = open(path, "rb")
    except OSError as e:
        raise SafetensorsError(f"cannot read '{path}': {e.strerror or e}") from None
    with f:
        return read_safetensors_file(f, path)


def read_safetensors_file(f, path):
    """The same from an open binary file (read from its start; `path` names it in messages).
    Sizes are checked against the file's size before anything is read."""
    try:
        size = os.fstat(f.fileno()).st_size
        if size < 8:
            raise SafetensorsError(f"'{path}': truncated file: {size} bytes, need at least 8")
        (n,) = struct.unpack("<Q", _read_exact(f, 8, path, "header length"))
        if n > size - 8:
            raise SafetensorsError(f"'{path}': header length {n} runs past the end of the file "
                                   f"({size} bytes)")
        if n > MAX_HEADER_BYTES:
            raise SafetensorsError(f"'{path}': the header is {n} bytes, more than the limit of "
                                   f"{MAX_HEADER_BYTES} (an s2s header is a few KB)")
        raw = _read_exact(f, n, path, "header")
        check_json_depth(raw, MAX_JSON_DEPTH, f"'{path}'")
        try:
            header = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise SafetensorsError(f"'{path}': bad JSON header: {e}") from None
        if not isinstance(header, dict):
            raise SafetensorsError(f"'{path}': the JSON header must be an object")
        meta = header.pop("__metadata__", {}) or {}
        if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
            raise SafetensorsError(f"'{path}': __metadata__ must map strings to strings")
        entries = []
        for name, e in header.items():
            try:
                dtype = np.dtype(_DTYPES[e["dtype"]])
                shape = [int(s) for s in e["shape"]]
                begin, end = (int(x) for x in e["data_offsets"])
            except (KeyError, TypeError, ValueError):
                raise SafetensorsError(f"'{path}': tensor '{name}' has a bad header entry "
                                       f"{e!r}") from None
            count = 1
            for s in shape:
                count *= s
            entries.append((name, dtype, shape, begin, end, count, e["dtype"]))
        body_size = size - 8 - n
        for name, dtype, shape, begin, end, count, dt in entries:
            if any(s < 0 for s in shape) or not 0 <= begin <= end <= body_size \
                    or end - begin != count * dtype.itemsize:
                raise SafetensorsError(f"'{path}': tensor '{name}' of shape {shape} and dtype "
                                       f"{dt} does not fit its data offsets [{begin}, {end}) in "
                                       f"a data section of {body_size} bytes")
        body = memoryview(_read_exact(f, body_size, path, "data section"))
    except OSError as e:
        raise SafetensorsError(f"cannot read '{path}': {e.strerror or e}") from None
    tensors = {}
    for name, dtype, shape, begin, end, _, _ in entries:
        tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).reshape(shape).copy()
    return tensors, meta


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: numpy array or torch tensor} with {str: str} metadata to `path`,
    atomically: a temporary file beside it, fsynced, then renamed over it."""
    arrays = []
    for name, t in tensors.items():
        a = t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)
        a = np.ascontiguousarray(a)
        if a.dtype not in _NAMES:
            raise SafetensorsError(f"tensor '{name}' has dtype {a.dtype}, not one of "
                                   f"{sorted(_DTYPES)}")
        arrays.append((name, a))
    header, offset = {}, 0
    for name, a in arrays:
        header[name] = {"dtype": _NAMES[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for _, a in arrays:
                f.write(a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
