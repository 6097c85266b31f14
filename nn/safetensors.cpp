#include "nn/safetensors.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.hpp"
#include "nn/module.hpp"

namespace s2s {

// The format is little-endian; we copy bytes straight from memory, which is
// only correct on a little-endian machine (x86-64, ARM64 in practice).
static_assert(std::endian::native == std::endian::little,
              "safetensors.cpp assumes a little-endian machine");

using json = nlohmann::ordered_json;

const char* dtype_name(DType d) {
  switch (d) {
    case DType::F32:
      return "F32";
    case DType::F64:
      return "F64";
    case DType::I64:
      return "I64";
  }
  return "?";
}

int64_t dtype_size(DType d) { return d == DType::F32 ? 4 : 8; }

namespace {

bool parse_dtype(const std::string& s, DType& out) {
  for (DType d : {DType::F32, DType::F64, DType::I64})
    if (s == dtype_name(d)) {
      out = d;
      return true;
    }
  return false;
}

template <class T>
std::vector<uint8_t> to_bytes(const T* p, size_t n) {
  std::vector<uint8_t> bytes(n * sizeof(T));
  if (n) std::memcpy(bytes.data(), p, bytes.size());
  return bytes;
}

template <class T>
std::vector<T> from_bytes(const std::vector<uint8_t>& bytes) {
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
  return out;
}

// Writes all of buf to fd, retrying short writes; false on error.
bool write_all(int fd, const uint8_t* buf, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, buf, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    buf += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace

// --- StoredTensor -------------------------------------------------------------

StoredTensor StoredTensor::from_real(std::string name, const Tensor& t) {
  StoredTensor s{std::move(name), kDoublePrecision ? DType::F64 : DType::F32, t.shape(), {}};
  s.bytes = to_bytes(t.data(), static_cast<size_t>(t.numel()));
  return s;
}

StoredTensor StoredTensor::from_int64(std::string name, const Ids& ids, Shape shape) {
  S2S_CHECK(shape_numel(shape) == static_cast<int64_t>(ids.size()),
            "StoredTensor '{}': shape {} needs {} values, got {}", name, shape_str(shape),
            shape_numel(shape), ids.size());
  StoredTensor s{std::move(name), DType::I64, std::move(shape), {}};
  s.bytes = to_bytes(ids.data(), ids.size());
  return s;
}

Tensor StoredTensor::to_real() const {
  std::vector<real> values;
  auto convert = [&](const auto& src) { values.assign(src.begin(), src.end()); };
  switch (dtype) {
    case DType::F32:
      convert(from_bytes<float>(bytes));
      break;
    case DType::F64:
      convert(from_bytes<double>(bytes));
      break;
    case DType::I64:
      convert(from_bytes<int64_t>(bytes));
      break;
  }
  return Tensor::from(shape, std::move(values));
}

Ids StoredTensor::to_int64() const {
  S2S_CHECK(dtype == DType::I64, "safetensors: tensor '{}' has dtype {}, not I64", name,
            dtype_name(dtype));
  return from_bytes<int64_t>(bytes);
}

const StoredTensor& SafetensorsFile::get(const std::string& name) const {
  for (auto& t : tensors)
    if (t.name == name) return t;
  std::vector<std::string> names;
  for (auto& t : tensors) names.push_back(t.name);
  throw Error(
      fmt::format("safetensors: no tensor '{}' (the file has: {})", name, fmt::join(names, ", ")));
}

// --- writing ----------------------------------------------------------------------

void write_safetensors(const std::string& path, const std::vector<StoredTensor>& tensors,
                       const Metadata& metadata) {
  // Build the header, checking each tensor before any file is touched.
  json header = json::object();
  std::set<std::string> seen;
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    S2S_CHECK(!t.name.empty() && t.name != "__metadata__",
              "save_safetensors '{}': tensor name '{}' is empty or reserved", path, t.name);
    S2S_CHECK(seen.insert(t.name).second, "save_safetensors '{}': tensor name '{}' appears twice",
              path, t.name);
    const uint64_t nbytes = static_cast<uint64_t>(shape_numel(t.shape) * dtype_size(t.dtype));
    S2S_CHECK(t.bytes.size() == nbytes,
              "save_safetensors '{}': tensor '{}' of shape {} and dtype {} needs {} bytes, has {}",
              path, t.name, shape_str(t.shape), dtype_name(t.dtype), nbytes, t.bytes.size());
    header[t.name] = {{"dtype", dtype_name(t.dtype)},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::string text = header.dump();
  // Pad with spaces (allowed by the format) so the data section starts 8-byte aligned.
  text.append((8 - text.size() % 8) % 8, ' ');
  const uint64_t n = text.size();

  // Atomic write: temp file in the same directory, fsync, rename over the target.
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  S2S_CHECK(fd >= 0, "save_safetensors: cannot create '{}': {}", tmp, std::strerror(errno));
  bool ok = write_all(fd, reinterpret_cast<const uint8_t*>(&n), 8) &&
            write_all(fd, reinterpret_cast<const uint8_t*>(text.data()), text.size());
  for (size_t i = 0; ok && i < tensors.size(); ++i)
    ok = write_all(fd, tensors[i].bytes.data(), tensors[i].bytes.size());
  ok = ok && ::fsync(fd) == 0;
  int err = ok ? 0 : errno;
  ok = (::close(fd) == 0) && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    throw Error(fmt::format("save_safetensors: writing '{}' failed ({}); the old file is unchanged",
                            path, std::strerror(err ? err : EIO)));
  }
}

void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const Metadata& metadata) {
  std::vector<StoredTensor> stored;
  for (auto& [name, t] : tensors) stored.push_back(StoredTensor::from_real(name, t));
  write_safetensors(path, stored, metadata);
}

// --- reading ----------------------------------------------------------------------

void check_json_depth(const char* text, size_t size, int max_depth, const std::string& what) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < size; ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      S2S_CHECK(++depth <= max_depth,
                "{}: the JSON nests deeper than {} levels (at byte {}); a checkpoint's header "
                "nests 3 deep, so the file is corrupt or crafted",
                what, max_depth, i);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
}

namespace {

// Reads exactly n bytes or throws naming the part of the file.
void read_exact(int fd, uint8_t* buf, uint64_t n, const std::string& name, const char* part) {
  while (n > 0) {
    const ssize_t r = ::read(fd, buf, std::min<uint64_t>(n, uint64_t{1} << 30));
    if (r < 0 && errno == EINTR) continue;
    S2S_CHECK(r >= 0, "load_safetensors '{}': cannot read the {}: {}", name, part,
              std::strerror(errno));
    S2S_CHECK(r > 0,
              "load_safetensors '{}': the file ended inside the {} (it shrank while being read?)",
              name, part);
    buf += r;
    n -= static_cast<uint64_t>(r);
  }
}

}  // namespace

SafetensorsFile read_safetensors(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  S2S_CHECK(fd >= 0, "load_safetensors: cannot open '{}': {}", path, std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  return read_safetensors_fd(fd, path);
}

SafetensorsFile read_safetensors_fd(int fd, const std::string& path,
                                    const BeforeData& before_data) {
  struct stat st {};
  S2S_CHECK(::fstat(fd, &st) == 0, "load_safetensors '{}': cannot stat the file: {}", path,
            std::strerror(errno));
  S2S_CHECK(S_ISREG(st.st_mode), "load_safetensors '{}': not a regular file", path);
  const off_t at = ::lseek(fd, 0, SEEK_CUR);
  const uint64_t size =
      static_cast<uint64_t>(st.st_size) - static_cast<uint64_t>(std::max<off_t>(at, 0));
  S2S_CHECK(size >= 8,
            "load_safetensors '{}': truncated file: {} bytes, need at least 8 for the "
            "header length",
            path, size);
  uint64_t n = 0;
  read_exact(fd, reinterpret_cast<uint8_t*>(&n), 8, path, "header length");
  S2S_CHECK(n <= size - 8,
            "load_safetensors '{}': header length {} runs past the end of the file "
            "({} bytes)",
            path, n, size);
  S2S_CHECK(n <= kMaxHeaderBytes,
            "load_safetensors '{}': the header is {} bytes, more than the limit of {} "
            "(kMaxHeaderBytes; an s2s header is a few KB)",
            path, n, kMaxHeaderBytes);
  std::vector<uint8_t> head(n);
  read_exact(fd, head.data(), n, path, "header");
  check_json_depth(reinterpret_cast<const char*>(head.data()), head.size(), kMaxJsonDepth,
                   fmt::format("load_safetensors '{}'", path));
  json header;
  try {
    header = json::parse(head.begin(), head.end());
  } catch (const json::exception& e) {
    throw Error(fmt::format("load_safetensors '{}': bad JSON header: {}", path, e.what()));
  }
  head = {};
  S2S_CHECK(header.is_object(), "load_safetensors '{}': the JSON header must be an object", path);

  const uint64_t data_size = size - 8 - n;
  SafetensorsFile out;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // data_offsets, parallel to out.tensors
  for (auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      S2S_CHECK(entry.is_object(), "load_safetensors '{}': __metadata__ must be an object", path);
      for (auto& [k, v] : entry.items()) {
        S2S_CHECK(v.is_string(), "load_safetensors '{}': metadata '{}' must be a string", path, k);
        out.metadata[k] = v.get<std::string>();
      }
      continue;
    }
    // Each entry: {"dtype": str, "shape": [ints >= 0], "data_offsets": [begin, end]}.
    S2S_CHECK(
        entry.is_object() && entry.contains("dtype") && entry["dtype"].is_string() &&
            entry.contains("shape") && entry["shape"].is_array() &&
            entry.contains("data_offsets") && entry["data_offsets"].is_array() &&
            entry["data_offsets"].size() == 2 && entry["data_offsets"][0].is_number_unsigned() &&
            entry["data_offsets"][1].is_number_unsigned(),
        "load_safetensors '{}': tensor '{}' needs dtype, shape and data_offsets [begin, end], "
        "got {}",
        path, name, entry.dump());
    StoredTensor t;
    t.name = name;
    const std::string dt = entry["dtype"].get<std::string>();
    S2S_CHECK(
        parse_dtype(dt, t.dtype),
        "load_safetensors '{}': tensor '{}' has unknown dtype '{}' (supported: F32, F64, I64)",
        path, name, dt);
    // Sizes come from an untrusted file: each must fit in int64 and their product,
    // in bytes, must not overflow (a huge shape must not wrap around to a small size).
    uint64_t nbytes = static_cast<uint64_t>(dtype_size(t.dtype));
    bool fits = true;
    for (auto& d : entry["shape"]) {
      S2S_CHECK(d.is_number_unsigned() && d.get<uint64_t>() <= uint64_t{INT64_MAX},
                "load_safetensors '{}': tensor '{}' has a bad shape {}", path, name,
                entry["shape"].dump());
      t.shape.push_back(d.get<int64_t>());
      fits = fits && !__builtin_mul_overflow(nbytes, d.get<uint64_t>(), &nbytes);
    }
    S2S_CHECK(fits && nbytes <= uint64_t{INT64_MAX},
              "load_safetensors '{}': tensor '{}' shape {} is too large", path, name,
              entry["shape"].dump());
    const uint64_t begin = entry["data_offsets"][0].get<uint64_t>();
    const uint64_t end = entry["data_offsets"][1].get<uint64_t>();
    S2S_CHECK(begin <= end && end <= data_size,
              "load_safetensors '{}': tensor '{}' data_offsets [{}, {}] are out of range (data "
              "section has {} bytes; truncated file?)",
              path, name, begin, end, data_size);
    const uint64_t need = nbytes;
    S2S_CHECK(end - begin == need,
              "load_safetensors '{}': tensor '{}' shape {} with dtype {} needs {} bytes but "
              "data_offsets [{}, {}] span {}",
              path, name, shape_str(t.shape), dt, need, begin, end, end - begin);
    out.tensors.push_back(std::move(t));
    ranges.emplace_back(begin, end);
  }

  // The tensors must tile the data section: sorted by begin, each starts where
  // the previous ended, and the last ends at the end of the file.
  std::vector<size_t> order(out.tensors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return ranges[a] < ranges[b]; });
  uint64_t pos = 0;
  for (size_t i : order) {
    S2S_CHECK(ranges[i].first == pos,
              "load_safetensors '{}': tensor '{}' data_offsets [{}, {}] {} (expected begin {})",
              path, out.tensors[i].name, ranges[i].first, ranges[i].second,
              ranges[i].first < pos ? "overlap the previous tensor" : "leave a gap", pos);
    pos = ranges[i].second;
  }
  S2S_CHECK(pos == data_size,
            "load_safetensors '{}': {} bytes after the last tensor are not covered by the header",
            path, data_size - pos);
  // Every size is known and checked: only now is the data section read, once, in order.
  if (before_data) before_data(out.metadata, data_size);
  std::vector<StoredTensor> sorted;
  for (size_t i : order) {
    StoredTensor& t = out.tensors[i];
    t.bytes.resize(ranges[i].second - ranges[i].first);
    read_exact(fd, t.bytes.data(), t.bytes.size(), path,
               fmt::format("tensor '{}'", t.name).c_str());
    sorted.push_back(std::move(t));
  }
  out.tensors = std::move(sorted);
  return out;
}

std::vector<std::pair<std::string, Tensor>> load_safetensors(const std::string& path,
                                                             Metadata* metadata) {
  SafetensorsFile f = read_safetensors(path);
  std::vector<std::pair<std::string, Tensor>> out;
  for (auto& t : f.tensors) out.emplace_back(t.name, t.to_real());
  if (metadata) *metadata = std::move(f.metadata);
  return out;
}

// --- modules ------------------------------------------------------------------------

void save_module(const std::string& path, const Module& module, const Metadata& metadata) {
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (auto& [name, p] : module.named_parameters()) tensors.emplace_back(name, p.value());
  save_safetensors(path, tensors, metadata);
}

void load_module(const std::string& path, Module& module, Metadata* metadata) {
  assign_parameters(load_safetensors(path, metadata), module, path);
}

void assign_parameters(const std::vector<std::pair<std::string, Tensor>>& loaded, Module& module,
                       const std::string& path) {
  auto params = module.named_parameters();
  // Validate everything first, so a bad file leaves the module unchanged.
  std::map<std::string, const Tensor*> by_name;
  for (auto& [name, t] : loaded) by_name[name] = &t;
  for (auto& [name, p] : params) {
    auto it = by_name.find(name);
    S2S_CHECK(it != by_name.end(), "load_module '{}': parameter '{}' is missing from the file",
              path, name);
    S2S_CHECK(it->second->shape() == p.shape(),
              "load_module '{}': parameter '{}' has shape {} in the file but {} in the module",
              path, name, shape_str(it->second->shape()), shape_str(p.shape()));
  }
  std::set<std::string> wanted;
  for (auto& [name, _] : params) wanted.insert(name);
  for (auto& [name, _] : loaded)
    S2S_CHECK(wanted.count(name),
              "load_module '{}': the file has an extra tensor '{}' that is "
              "not a parameter of the module",
              path, name);
  for (auto& [name, p] : params) p.value() = *by_name[name];
}

}  // namespace s2s
