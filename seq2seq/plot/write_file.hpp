#pragma once
#include <string>

namespace s2s {

// Writes text to path, creating missing parent directories. Throws s2s::Error
// naming the path when the directory or the file cannot be written.
void write_file(const std::string& path, const std::string& text);

}  // namespace s2s
