#include "seq2seq/data/read_limits.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "core/error.hpp"

namespace s2s {

TextLimits sequence_file_limits(uint64_t max_bytes, int64_t max_len, double timeout_seconds) {
  if (max_len <= 0) max_len = 1000;
  TextLimits lim;
  lim.max_bytes = max_bytes;
  lim.max_line_bytes = static_cast<uint64_t>(line_limit_bytes(max_len));
  lim.line_setting = fmt::format("{} bytes × --max-len {} + 1024: raise --max-len, or fix the file",
                                 kLineBytesPerToken, max_len);
  lim.timeout_seconds = timeout_seconds;
  lim.timeout_setting = "--seconds";
  return lim;
}

std::string size_text(uint64_t bytes) {
  const char* units[] = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
  double x = static_cast<double>(bytes);
  int u = 0;
  while (x >= 1000 && u < 6) x /= 1000, ++u;
  return u == 0 ? fmt::format("{} bytes", bytes) : fmt::format("{:.1f} {}", x, units[u]);
}

namespace {

std::string raised_by(const std::string& setting) {
  return setting.empty() ? std::string("a fixed limit") : setting;
}

}  // namespace

std::string read_text_file(const std::string& path, const std::string& what,
                           const TextLimits& limits) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  S2S_CHECK(fd >= 0, "{}: cannot open '{}': {}", what, path, std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  return read_text_fd(fd, what, limits);
}

std::string read_text_fd(int fd, const std::string& what, const TextLimits& lim) {
  struct stat st {};
  S2S_CHECK(::fstat(fd, &st) == 0, "{}: cannot stat: {}", what, std::strerror(errno));
  S2S_CHECK(!S_ISDIR(st.st_mode), "{}: is a folder, not a file", what);
  const bool regular = S_ISREG(st.st_mode);
  if (regular && lim.max_bytes > 0)
    S2S_CHECK(static_cast<uint64_t>(st.st_size) <= lim.max_bytes,
              "{}: the file is {}, more than the limit of {} ({})", what,
              size_text(static_cast<uint64_t>(st.st_size)), size_text(lim.max_bytes),
              raised_by(lim.bytes_setting));
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::string text;
  if (regular) text.reserve(static_cast<size_t>(st.st_size));
  uint64_t line_bytes = 0, line = 1;
  char buf[1 << 16];
  for (;;) {
    if (!regular) {  // a pipe, FIFO or device: wait for data at most until the deadline
      int ms = -1;
      if (lim.timeout_seconds > 0) {
        const double left =
            lim.timeout_seconds - std::chrono::duration<double>(Clock::now() - start).count();
        ms = static_cast<int>(std::clamp(std::ceil(left * 1000), 0.0, 2e9));
      }
      pollfd p{fd, POLLIN, 0};
      const int r = ::poll(&p, 1, ms);
      if (r < 0 && errno == EINTR) continue;
      S2S_CHECK(r >= 0, "{}: cannot wait for data: {}", what, std::strerror(errno));
      S2S_CHECK(r > 0,
                "{}: no data came within {:.3g} s (the time budget, {}): is anything writing "
                "to it?",
                what, lim.timeout_seconds, raised_by(lim.timeout_setting));
    }
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    S2S_CHECK(n >= 0, "{}: cannot read: {}", what, std::strerror(errno));
    if (n == 0) break;
    const size_t got = static_cast<size_t>(n);
    if (lim.max_line_bytes > 0) {
      for (size_t i = 0; i < got; ++i) {
        if (buf[i] == '\n' || buf[i] == '\r') {
          line += buf[i] == '\n';
          line_bytes = 0;
          continue;
        }
        S2S_CHECK(++line_bytes <= lim.max_line_bytes,
                  "{}: line {} is longer than {} bytes, the limit ({})", what, line,
                  lim.max_line_bytes, raised_by(lim.line_setting));
      }
    }
    S2S_CHECK(lim.max_bytes == 0 || text.size() + got <= lim.max_bytes,
              "{}: more than {}, the limit ({})", what, size_text(lim.max_bytes),
              raised_by(lim.bytes_setting));
    text.append(buf, got);
  }
  return text;
}

std::string printable(std::string_view text, size_t max_bytes) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  return out;
}

}  // namespace s2s

namespace s2s {

bool getline_bounded(std::istream& in, std::string& line, size_t max_bytes, bool* too_long) {
  line.clear();
  *too_long = false;
  uint64_t n = 0;
  char c;
  bool any = false;
  while (in.get(c)) {
    any = true;
    if (c == '\n') break;
    if (++n <= max_bytes)
      line.push_back(c);
    else
      *too_long = true;
    if (n > 64'000'000) {  // no end of line in sight: stop reading
      in.setstate(std::ios::eofbit);
      break;
    }
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (*too_long) line.clear();
  return any;
}

}  // namespace s2s
