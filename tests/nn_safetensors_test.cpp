// safetensors checkpoints: bit-exact round trips, module save/load, every
// corrupt-file case with its error, and atomic writes.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "nn/linear.hpp"
#include "nn/safetensors.hpp"
#include "nn/sequence_rnn.hpp"

using namespace s2s;
namespace fs = std::filesystem;

namespace {

// A fresh temporary directory per test, removed afterwards.
struct TempDir {
  fs::path dir;
  TempDir() {
    dir = fs::temp_directory_path() /
          fmt::format("s2s_safetensors_{}_{}", ::getpid(), reinterpret_cast<uintptr_t>(this));
    fs::create_directories(dir);
  }
  ~TempDir() { fs::remove_all(dir); }
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Writes a file from a header text and a data section, with the right length prefix.
void write_raw(const std::string& path, const std::string& header, const std::string& data,
               uint64_t n_override = 0) {
  uint64_t n = n_override ? n_override : header.size();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&n), 8);
  out << header << data;
}

}  // namespace

TEST_CASE("nn: safetensors round trip is bit-exact, ordered, with metadata") {
  TempDir tmp;
  Rng rng(1);
  std::vector<std::pair<std::string, Tensor>> tensors{
      {"z.last_name_first", Tensor::normal({3, 4}, rng)},
      {"a.scalar", Tensor::scalar(real(0.1))},
      {"empty", Tensor::zeros({0, 2})},
  };
  save_safetensors(tmp.file("t.safetensors"), tensors, {{"epoch", "3"}, {"note", "héllo"}});
  Metadata meta;
  auto back = load_safetensors(tmp.file("t.safetensors"), &meta);
  REQUIRE(back.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(back[i].first == tensors[i].first);  // file order, not alphabetical
    CHECK(back[i].second.shape() == tensors[i].second.shape());
    CHECK(back[i].second.values() == tensors[i].second.values());  // bit-exact (no NaN here)
  }
  CHECK(meta.at("epoch") == "3");
  CHECK(meta.at("note") == "héllo");
  // The header length is a multiple of 8 (space padding), as the format allows.
  std::string raw = read_bytes(tmp.file("t.safetensors"));
  uint64_t n;
  std::memcpy(&n, raw.data(), 8);
  CHECK(n % 8 == 0);
  CHECK(raw.size() == 8 + n + (12 + 1) * sizeof(real));
}

TEST_CASE("nn: safetensors reads F32, F64 and I64 and converts") {
  TempDir tmp;
  std::vector<StoredTensor> st{
      StoredTensor::from_int64("ids", {1, -2, 3, 40000000000}, {2, 2}),
      StoredTensor::from_real("w", Tensor::from({2}, {1.5, -2})),
  };
  float f32[2] = {0.25f, 8.0f};
  st.push_back({"f", DType::F32, {2}, std::vector<uint8_t>(8)});
  std::memcpy(st.back().bytes.data(), f32, 8);
  write_safetensors(tmp.file("mixed.safetensors"), st);
  SafetensorsFile f = read_safetensors(tmp.file("mixed.safetensors"));
  CHECK(f.get("ids").dtype == DType::I64);
  CHECK(f.get("ids").to_int64() == Ids{1, -2, 3, 40000000000});
  CHECK(f.get("ids").to_real().at({0, 1}) == -2);
  CHECK(f.get("f").to_real()[0] == real(0.25));
  CHECK(f.get("w").to_real()[1] == -2);
  CHECK_THROWS_WITH_AS(f.get("w").to_int64(), doctest::Contains("not I64"), Error);
  CHECK_THROWS_WITH_AS(f.get("nope"), doctest::Contains("no tensor 'nope'"), Error);
}

TEST_CASE("nn: save_module / load_module validate names and shapes") {
  TempDir tmp;
  Rng rng(2);
  SequenceRNN a(3, 4, rng, {CellKind::lstm, 2, false, 0, 0}),
      b(3, 4, rng, {CellKind::lstm, 2, false, 0, 0});
  save_module(tmp.file("m.safetensors"), a, {{"kind", "lstm"}});
  Metadata meta;
  load_module(tmp.file("m.safetensors"), b, &meta);
  CHECK(meta.at("kind") == "lstm");
  auto pa = a.named_parameters(), pb = b.named_parameters();
  for (size_t i = 0; i < pa.size(); ++i)
    CHECK(pa[i].second.value().values() == pb[i].second.value().values());

  Linear small(3, 4, rng), wide(3, 5, rng);
  save_module(tmp.file("lin.safetensors"), small);
  Tensor before = wide.weight.value();
  CHECK_THROWS_WITH_AS(
      load_module(tmp.file("lin.safetensors"), wide),
      doctest::Contains("parameter 'weight' has shape (4,3) in the file but (5,3)"), Error);
  CHECK(wide.weight.value().values() == before.values());  // untouched on failure
  Linear nobias(3, 4, rng, false);
  CHECK_THROWS_WITH_AS(load_module(tmp.file("lin.safetensors"), nobias),
                       doctest::Contains("extra tensor 'bias'"), Error);
  save_module(tmp.file("nobias.safetensors"), nobias);
  CHECK_THROWS_WITH_AS(load_module(tmp.file("nobias.safetensors"), small),
                       doctest::Contains("parameter 'bias' is missing"), Error);
}

TEST_CASE("nn: safetensors rejects corrupt files with clear errors") {
  TempDir tmp;
  const std::string p = tmp.file("bad.safetensors");
  const std::string eight(8, '\0'), sixteen(16, '\0');
  auto entry = [](const std::string& name, const std::string& dtype, const std::string& shape,
                  int b, int e) {
    return fmt::format(R"("{}":{{"dtype":"{}","shape":{},"data_offsets":[{},{}]}})", name, dtype,
                       shape, b, e);
  };
  auto expect = [&](const std::string& fragment) {
    CHECK_THROWS_WITH_AS(read_safetensors(p), doctest::Contains(fragment.c_str()), Error);
  };
  SUBCASE("missing file") { expect("cannot open"); }
  SUBCASE("truncated before the header length") {
    std::ofstream(p, std::ios::binary) << "abc";
    expect("truncated file: 3 bytes");
  }
  SUBCASE("header length past the end of the file") {
    write_raw(p, "{}", "", 1000);
    expect("header length 1000 runs past the end");
  }
  SUBCASE("bad JSON") {
    write_raw(p, "{\"a\": [1, 2", "");
    expect("bad JSON header");
  }
  SUBCASE("header is not an object") {
    write_raw(p, "[1,2]", "");
    expect("must be an object");
  }
  SUBCASE("missing fields") {
    write_raw(p, R"({"a":{"dtype":"F64","shape":[1]}})", eight);
    expect("needs dtype, shape and data_offsets");
  }
  SUBCASE("unknown dtype") {
    write_raw(p, fmt::format("{{{}}}", entry("a", "BF16", "[4]", 0, 8)), eight);
    expect("unknown dtype 'BF16'");
  }
  SUBCASE("shape does not match the offsets") {
    write_raw(p, fmt::format("{{{}}}", entry("a", "F64", "[3]", 0, 16)), sixteen);
    expect("needs 24 bytes but data_offsets [0, 16] span 16");
  }
  SUBCASE("offsets out of range (truncated data)") {
    write_raw(p, fmt::format("{{{}}}", entry("a", "F64", "[2]", 0, 16)), eight);
    expect("out of range");
  }
  SUBCASE("offsets overlap") {
    write_raw(
        p,
        fmt::format("{{{},{}}}", entry("a", "F64", "[2]", 0, 16), entry("b", "F64", "[1]", 8, 16)),
        sixteen);
    expect("overlap");
  }
  SUBCASE("offsets leave a gap") {
    write_raw(p, fmt::format("{{{}}}", entry("a", "F64", "[1]", 8, 16)), sixteen);
    expect("leave a gap");
  }
  SUBCASE("trailing bytes not covered") {
    write_raw(p, fmt::format("{{{}}}", entry("a", "F64", "[1]", 0, 8)), sixteen);
    expect("8 bytes after the last tensor");
  }
  SUBCASE("metadata values must be strings") {
    write_raw(p, R"({"__metadata__":{"epoch":3}})", "");
    expect("metadata 'epoch' must be a string");
  }
}

TEST_CASE("nn: safetensors writes are atomic") {
  TempDir tmp;
  const std::string p = tmp.file("ckpt.safetensors");
  save_safetensors(p, {{"w", Tensor::from({2}, {1, 2})}});
  const std::string old_bytes = read_bytes(p);
  auto only_ckpt_left = [&] {
    int n = 0;
    for (auto& e : fs::directory_iterator(tmp.dir)) n += e.path().filename() != "target_dir";
    return n == 1;
  };

  // Invalid input: refused before the file is touched.
  CHECK_THROWS_WITH_AS(save_safetensors(p, {{"w", Tensor::zeros({1})}, {"w", Tensor::zeros({1})}}),
                       doctest::Contains("appears twice"), Error);
  CHECK(read_bytes(p) == old_bytes);

  // A directory that does not exist: the temporary file cannot even be created.
  CHECK_THROWS_WITH_AS(save_safetensors(tmp.file("no/such/dir.safetensors"), {}),
                       doctest::Contains("cannot create"), Error);

  // The rename fails (target is a non-empty directory): the temp file is removed.
  fs::create_directories(tmp.dir / "target_dir" / "child");
  CHECK_THROWS_WITH_AS(save_safetensors(tmp.file("target_dir"), {{"w", Tensor::zeros({1})}}),
                       doctest::Contains("the old file is unchanged"), Error);
  CHECK(fs::is_directory(tmp.dir / "target_dir" / "child"));
  CHECK(only_ckpt_left());

  // Unwritable directory (only meaningful when not running as root).
  if (::geteuid() != 0) {
    fs::permissions(tmp.dir, fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_AS(save_safetensors(p, {{"w", Tensor::zeros({3})}}), Error);
    fs::permissions(tmp.dir, fs::perms::owner_all);
    CHECK(read_bytes(p) == old_bytes);
    CHECK(only_ckpt_left());
  }

  // A successful overwrite replaces the content and leaves no temp file.
  save_safetensors(p, {{"w", Tensor::from({3}, {4, 5, 6})}});
  CHECK(load_safetensors(p)[0].second.numel() == 3);
  CHECK(only_ckpt_left());
}
