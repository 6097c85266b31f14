// libFuzzer target: the checkpoint loader (read_safetensors) on arbitrary bytes.
// Any input must either load or throw s2s::Error; anything else (a crash, an
// ASan report, another exception type, a huge allocation) is a bug. Loaded
// tensors must be self-consistent: bytes = numel × dtype size, sizes >= 0.
#include "core/error.hpp"
#include "fuzz_util.hpp"
#include "nn/safetensors.hpp"

using namespace s2s;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_temp("safetensors", data, size);
  try {
    SafetensorsFile f = read_safetensors(path);
    for (const StoredTensor& t : f.tensors) {
      // numel in 128 bits, so an overflowing shape cannot pass for a small one.
      unsigned __int128 numel = 1;
      for (int64_t d : t.shape) {
        S2S_FUZZ_ASSERT(d >= 0);
        numel *= static_cast<unsigned __int128>(d);
        S2S_FUZZ_ASSERT(numel <= (unsigned __int128)1 << 62);
      }
      S2S_FUZZ_ASSERT(numel * static_cast<unsigned>(dtype_size(t.dtype)) == t.bytes.size());
      Tensor v = t.to_real();
      S2S_FUZZ_ASSERT(static_cast<unsigned __int128>(v.numel()) == numel);
      if (t.dtype == DType::I64) S2S_FUZZ_ASSERT(t.to_int64().size() == static_cast<size_t>(numel));
    }
  } catch (const Error&) {
    // a clear rejection: fine
  }
  return 0;
}
