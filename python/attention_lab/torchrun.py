"""torchrun, also where Debian 12's python3-torch (1.13 on Python 3.11) breaks it.

There, `torchrun` fails before it starts a worker ("'NoneType' object has no attribute
'get'"): its Std.from_str looks the value up by iterating an IntFlag, and Python 3.11 no
longer yields the flag's 0 and combined members, so the default "--redirects 0" maps to
None. This module mends that one function when it is broken and runs torchrun unchanged:

  python3 -m attention_lab.torchrun --nproc_per_node 2 -m attention_lab train ...
"""
import re
import sys

from torch.distributed.elastic.multiprocessing import api


def _mend():
    if api.Std.from_str("0") is not None:
        return  # a torch that works as it is

    def from_str(cls, vm):
        if re.fullmatch(r"[0-3]", vm):
            return cls(int(vm))
        if re.fullmatch(r"(\d:[0-3],)*\d:[0-3]", vm):
            return {int(k): cls(int(v)) for k, v in (kv.split(":") for kv in vm.split(","))}
        raise ValueError(f"{vm} does not match a number or a rank:value list")
    api.Std.from_str = classmethod(from_str)


def main():
    _mend()
    from torch.distributed.run import main as torchrun_main
    torchrun_main(sys.argv[1:])


if __name__ == "__main__":
    main()
