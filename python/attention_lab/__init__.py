"""attention_lab: the s2s model folders in PyTorch, and back (docs/pytorch.md).
Needs only torch and numpy; run with PYTHONPATH=python.

    import attention_lab as al
    model = al.load("runs/att")              # a torch.nn.Module equal to the C++ model
    al.save(model, "runs/att-torch")         # a folder s2s translate|eval|info load
"""
from .data import Vocab, detokenize, tokenize
from .decoding import beam_search, evaluate, greedy_decode
from .folder import FolderError, load, save
from .model import CELLS, PLACEMENTS, SCORES, VARIANTS, Config, Seq2Seq
from .safetensors import SafetensorsError, read_safetensors, write_safetensors

__all__ = ["load", "save", "greedy_decode", "beam_search", "evaluate", "read_safetensors",
           "write_safetensors", "Seq2Seq", "Config", "Vocab", "tokenize", "detokenize",
           "FolderError", "SafetensorsError", "CELLS", "SCORES", "VARIANTS", "PLACEMENTS"]
