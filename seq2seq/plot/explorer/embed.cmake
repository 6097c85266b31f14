# Writes OUT, a C++ file holding the explorer's JavaScript and CSS as raw string
# literals (kExplorerJs, kExplorerCss of seq2seq/plot/html_page.hpp), so the
# pages need no file at run time. Run at build time: cmake -DJS=... -DCSS=... -DOUT=... -P embed.cmake
set(delim "S2S_ASSET")
set(body "// Generated from seq2seq/plot/explorer/ by embed.cmake: edit those files, not this one.\nnamespace s2s {\n")
foreach(pair "kExplorerJs;${JS}" "kExplorerCss;${CSS}")
  list(GET pair 0 name)
  list(GET pair 1 file)
  file(READ "${file}" text)
  string(FIND "${text}" ")${delim}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains )${delim}\" and cannot be embedded as a raw string")
  endif()
  string(APPEND body "extern const char* const ${name};\nconst char* const ${name} = R\"${delim}(${text})${delim}\";\n")
endforeach()
string(APPEND body "}  // namespace s2s\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
