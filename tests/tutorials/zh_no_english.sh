#!/usr/bin/env bash
# Runs a tutorial with --lang zh (plus the given flags) and fails when its output
# has an English word: a run of 2+ ASCII letters outside the whitelist below.
#   tests/tutorials/zh_no_english.sh build/tutorials/06_attention --quick
# Not counted as English: example data quoted 「like this」, terminal heatmap rows
# (a token, then shading), file paths (with a '/'), code-like key=value pairs,
# flags (--quick), file names, Graphviz DOT listings, and the code names, units
# and symbols of the whitelist.
# Exit code: 0 clean, 1 English found (each offending line is printed with its
# words) or the tutorial crashed (exit code > 1), 2 misuse.
# With --claims first, a failed claim (the tutorial's exit code 1) fails too: CI runs
# the reference-engine --quick tests this way, so one run checks claims and Chinese.
# With --stdin it checks text read from standard input instead (for the test of
# this script): printf 'epoch 1: loss\n' | zh_no_english.sh --stdin  -> exit 1.
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 TUTORIAL_BINARY [FLAGS...] | $0 --stdin" >&2
  exit 2
fi

claims=0
if [ "$1" = "--claims" ]; then
  claims=1
  shift
fi
if [ "$1" = "--stdin" ]; then
  out=$(cat)
  rc=0
else
  bin=$1
  shift
  out=$("$bin" --lang zh "$@" 2>&1)
  rc=$?
  printf '%s\n' "$out" | tail -3  # the claims summary, for the test log
fi

# Code names, units and symbols that stay in Latin letters in Chinese text.
whitelist='
GRU LSTM RNN rnn gru lstm BLEU AER NLL E H D S T k n
dot scaled_dot general additive location cosine location_aware concat
global local local-m local-p input output both input_feeding self key-value key_value
softmax tanh sigmoid exp log cos sin argmax argmin max min mean sum diag ReLU
Adam SGD CE ms s KB MB GB GiB MiB px ok
eos sos bos pad unk
dx dy dz dw db dL eps wn Var DOT dot He Hk Hq
Graphviz Transformer Transformers PyTorch OpenBLAS BLAS CPU SVG PNG UTF
fast reference copy reverse toy_en_es
Bahdanau Luong Sutskever Cho Vaswani Graves Chorowski Daniluk Hochreiter Schmidhuber Pascanu
Bengio Mikolov Elman Jordan Papineni Tachibana Cheng Paulus al et
Ctrl
'
# Tutorial names (00_tour, 06_attention, ...) are code names too.
declare -A ok=()
for w in $whitelist; do ok[$w]=1; done

bad=0
in_dot=0
while IFS= read -r line; do
  # A Graphviz DOT listing (01_autograd) is code, from "digraph" to its closing brace.
  if [[ "$line" =~ ^digraph\  ]]; then in_dot=1; fi
  if [ $in_dot = 1 ]; then
    [ "$line" = "}" ] && in_dot=0
    continue
  fi
  # Terminal heatmap rows: a label, a space, then only shading (or blank cells).
  if [[ "$line" =~ ^\ *[^\ ]+\ [\ ░▒▓█]{2,}$ ]]; then continue; fi
  text=$(printf '%s' "$line" | perl -CSD -Mutf8 -pe '
    s/「[^」]*」//g;                               # quoted example data
    s{\S*/\S*}{}g;                                  # paths, ratios like a/b
    s/\b\d\d_[a-z_]+\b//g;                          # tutorial names: 06_attention
    s/--[a-z][a-z-]*//g;                            # flags
    s/\b[A-Za-z_]+=\S*//g;                          # key=value: cell=gru, E=32
    s/\b[A-Za-z_]+\([^)]*\)//g;                     # calls: score(s_t, h_i), cos(k,v)
    s/[A-Za-z]+_[A-Za-z0-9{}_]+//g;                 # symbols with subscripts: a_t, h_{i+1}
    s/[\w.-]+\.(svg|png|dot|txt|tsv|safetensors|vocab|hpp|cpp)\b//g;  # file names
    s/(^|\s)-[A-Za-z]\w*//g;                        # command options: dot -Tsvg
    s/<(eos|sos|pad|unk)>//g;                       # special tokens
    s/\b[A-Za-z]\.[A-Za-z]+//g;                     # file extensions .svg etc after names
  ')
  words=""
  for w in $(printf '%s' "$text" | grep -oE '[A-Za-z][A-Za-z-]*[A-Za-z]'); do
    [ -n "${ok[$w]+x}" ] && continue
    words="$words $w"
  done
  if [ -n "$words" ]; then
    printf 'English in --lang zh output:%s\n    %s\n' "$words" "$line"
    bad=1
  fi
done <<< "$out"

if [ "$rc" -gt 1 ] || { [ $claims = 1 ] && [ "$rc" -ne 0 ]; }; then
  echo "the tutorial exited with code $rc:" >&2
  printf '%s\n' "$out" | tail -20 >&2
  exit 1
fi
exit $bad
