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


def read_safetensors(path):
    """Returns ({name: numpy array}, {metadata str: str}). Raises SafetensorsError."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise SafetensorsError(f"cannot read '{path}': {e.strerror or e}") from None
    if len(data) < 8:
        raise SafetensorsError(f"'{path}': truncated file: {len(data)} bytes, need at least 8")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise SafetensorsError(f"'{path}': header length {n} runs past the end of the file "
                               f"({len(data)} bytes)")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"'{path}': bad JSON header: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"'{path}': the JSON header must be an object")
    body = memoryview(data)[8 + n:]
    meta = header.pop("__metadata__", {}) or {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise SafetensorsError(f"'{path}': __metadata__ must map strings to strings")
    tensors = {}
    for name, e in header.items():
        try:
            dtype = np.dtype(_DTYPES[e["dtype"]])
            shape = [int(s) for s in e["shape"]]
            begin, end = (int(x) for x in e["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise SafetensorsError(f"'{path}': tensor '{name}' has a bad header entry {e!r}") \
                from None
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        if any(s < 0 for s in shape) or not 0 <= begin <= end <= len(body) \
                or end - begin != count * dtype.itemsize:
            raise SafetensorsError(f"'{path}': tensor '{name}' of shape {shape} and dtype "
                                   f"{e['dtype']} does not fit its data offsets [{begin}, {end}) "
                                   f"in a data section of {len(body)} bytes")
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
