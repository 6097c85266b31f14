#pragma once
// safetensors: a simple, safe file format for named tensors (used by PyTorch
// and Hugging Face), so checkpoints can be opened by other tools.
//
//   [8 bytes]  N, the header length, unsigned 64-bit little-endian
//   [N bytes]  JSON: {"<name>": {"dtype": "F32"|"F64"|"I64", "shape": [..],
//                                 "data_offsets": [begin, end]}, ...,
//                     "__metadata__": {"<key>": "<string>", ...}}
//   [rest]     the data section: raw little-endian values, row-major.
// Offsets are relative to the data section; the tensors tile it exactly
// (contiguous, in order, no gaps or overlaps), which the loader verifies.
//
// Reading is bounded: the header is at most kMaxHeaderBytes and its JSON nests
// at most kMaxJsonDepth deep (both checked before parsing); the tensors must
// tile the data section exactly, which is checked against the file's size
// before any tensor byte is read, so a padded or truncated file is refused
// without reading it. The file is read once, through one descriptor.
//
// Writes are atomic: the bytes go to "<path>.tmp.<pid>", are fsync'ed, then
// renamed over <path>; on any failure the old file is untouched and the
// temporary file is removed.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/ops.hpp"

namespace s2s {

class Module;

enum class DType { F32, F64, I64 };
const char* dtype_name(DType d);  // "F32", "F64", "I64"
int64_t dtype_size(DType d);      // bytes per element

// A tensor as stored: its dtype, shape and raw little-endian bytes.
struct StoredTensor {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  std::vector<uint8_t> bytes;

  static StoredTensor from_real(std::string name, const Tensor& t);  // F32 or F64 per S2S_REAL
  static StoredTensor from_int64(std::string name, const Ids& ids, Shape shape);
  Tensor to_real() const;  // any dtype, converted to `real`
  Ids to_int64() const;    // I64 only (integer batches, token ids); throws otherwise
};

using Metadata = std::map<std::string, std::string>;

struct SafetensorsFile {
  std::vector<StoredTensor> tensors;  // in data-section order
  Metadata metadata;
  // The tensor with this name; throws naming the file's tensors if absent.
  const StoredTensor& get(const std::string& name) const;
};

// Limits of the reader (a file beyond them is refused with a message naming the limit).
inline constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // 100 MB, as the reference implementation
inline constexpr int kMaxJsonDepth = 64;                  // s2s headers nest 3 deep

// Throws s2s::Error ("{what}: JSON nests deeper than 64 ...") when the text's
// arrays and objects nest deeper than max_depth; strings are skipped. Runs in
// one pass without recursion, so it is safe on any input.
void check_json_depth(const char* text, size_t size, int max_depth, const std::string& what);

// Called after the header is parsed and checked, before the data section is read:
// (metadata, bytes of the data section). It may throw to stop the read.
using BeforeData = std::function<void(const Metadata&, uint64_t data_bytes)>;

// Writes tensors in the given order (names must be unique and non-empty).
void write_safetensors(const std::string& path, const std::vector<StoredTensor>& tensors,
                       const Metadata& metadata = {});
// Reads and validates a whole file; every problem throws s2s::Error naming the path.
SafetensorsFile read_safetensors(const std::string& path);
// The same from an open descriptor (read from its current position to the end);
// `name` names the file in messages.
SafetensorsFile read_safetensors_fd(int fd, const std::string& name,
                                    const BeforeData& before_data = {});

// Real-valued convenience forms: tensors are stored as F32 (float build) or F64 (double build).
void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const Metadata& metadata = {});
std::vector<std::pair<std::string, Tensor>> load_safetensors(const std::string& path,
                                                             Metadata* metadata = nullptr);

// A module's named_parameters() as a checkpoint, and back. load_module checks
// that the file has exactly the module's parameter names with the same shapes
// before changing anything, and names the offending parameter otherwise.
void save_module(const std::string& path, const Module& module, const Metadata& metadata = {});
void load_module(const std::string& path, Module& module, Metadata* metadata = nullptr);
// The same from tensors already read (`name` names their file in messages).
void assign_parameters(const std::vector<std::pair<std::string, Tensor>>& tensors, Module& module,
                       const std::string& name);

}  // namespace s2s
