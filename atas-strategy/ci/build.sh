#!/usr/bin/env bash
# Compiles, with Mono's mcs (C# 7 at most):
#   1. the core (src/Core)                      -> $OUT/AtasSignalStrategy.Core.dll
#   2. the ATAS reference stub (ci/AtasStub)    -> $OUT/AtasStub.dll
#      and the whole strategy against it        -> $OUT/AtasSignalStrategy.StubBuild.dll
#      (proves src/Strategy compiles against the ATAS signatures; never shipped)
#   3. the simulated ATAS runtime (tests/SimAtas) -> $OUT/SimAtas.dll, the strategy on it
#      -> $OUT/AtasSignalStrategy.Sim.dll (test-only, never shipped)
#   4. the test program (tests, tests/Scenarios) -> $OUT/CoreTests.exe  (run: mono $OUT/CoreTests.exe;
#      with --gateway it also runs the strategy scenarios, see tests/CoreTests.cs)
# Installs nothing. Needs (Debian): mono-mcs libnewtonsoft-json-cil-dev libmono-system-net-http4.0-cil
# libmono-system-componentmodel-dataannotations4.0-cil; running the tests needs mono-runtime too.
# Then, when mono is installed, runs the test program's offline checks (RUN_CHECKS=0 skips them; the
# live checks and the strategy scenarios need a gateway and its driver: npm run test:csharp).
# Env: OUT (default ci/out), NEWTONSOFT_DLL (default: found under /usr/lib/cli), RUN_CHECKS.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="${OUT:-$here/out}"

fail() { echo "build.sh: $*" >&2; exit 1; }

command -v mcs >/dev/null 2>&1 || fail "mcs not found: apt-get install -y mono-mcs"
command -v mono >/dev/null 2>&1 || echo "build.sh: note: mono (the runtime) not found; the test program builds but cannot run (apt-get install -y mono-runtime)" >&2

newtonsoft="${NEWTONSOFT_DLL:-}"
if [ -z "$newtonsoft" ]; then
  for candidate in /usr/lib/cli/Newtonsoft.Json/Newtonsoft.Json.dll /usr/lib/cli/Newtonsoft.Json-*/Newtonsoft.Json.dll; do
    if [ -f "$candidate" ]; then newtonsoft="$candidate"; break; fi
  done
fi
[ -n "$newtonsoft" ] && [ -f "$newtonsoft" ] || fail "Newtonsoft.Json.dll not found: apt-get install -y libnewtonsoft-json-cil-dev (or set NEWTONSOFT_DLL)"

# Framework assemblies outside mono-mcs's own dependencies, each with the package that has it.
monolib="$(dirname "$(command -v mcs)")/../lib/mono/4.5"
need_lib() {
  [ -f "$monolib/$1" ] || fail "$1 not found in $monolib: apt-get install -y $2"
}
need_lib System.Net.Http.dll libmono-system-net-http4.0-cil
need_lib System.ComponentModel.DataAnnotations.dll libmono-system-componentmodel-dataannotations4.0-cil

mkdir -p "$out"
mcs_flags=(-langversion:7 -nologo -debug -warnaserror+ -nowarn:1591)
core_refs=(-r:"$newtonsoft" -r:System.Net.Http.dll)

echo "build.sh: core -> $out/AtasSignalStrategy.Core.dll"
mcs "${mcs_flags[@]}" -target:library -out:"$out/AtasSignalStrategy.Core.dll" "${core_refs[@]}" "$root"/src/Core/*.cs

echo "build.sh: ATAS stub -> $out/AtasStub.dll"
mcs "${mcs_flags[@]}" -target:library -out:"$out/AtasStub.dll" "$here"/AtasStub/*.cs

echo "build.sh: strategy against the stub -> $out/AtasSignalStrategy.StubBuild.dll"
mcs "${mcs_flags[@]}" -target:library -out:"$out/AtasSignalStrategy.StubBuild.dll" "${core_refs[@]}" \
  -r:"$out/AtasStub.dll" -r:System.ComponentModel.DataAnnotations.dll \
  "$root"/src/Core/*.cs "$root"/src/Strategy/*.cs

echo "build.sh: simulated ATAS (tests/SimAtas on the stub's data types) -> $out/SimAtas.dll"
mcs "${mcs_flags[@]}" -target:library -out:"$out/SimAtas.dll" \
  "$here"/AtasStub/Instruments.cs "$here"/AtasStub/Indicators.cs "$here"/AtasStub/Logging.cs "$root"/tests/SimAtas/*.cs

echo "build.sh: strategy on the simulated ATAS -> $out/AtasSignalStrategy.Sim.dll"
mcs "${mcs_flags[@]}" -target:library -out:"$out/AtasSignalStrategy.Sim.dll" "${core_refs[@]}" \
  -r:"$out/AtasSignalStrategy.Core.dll" -r:"$out/SimAtas.dll" -r:System.ComponentModel.DataAnnotations.dll "$root"/src/Strategy/*.cs

echo "build.sh: tests -> $out/CoreTests.exe"
mcs "${mcs_flags[@]}" -target:exe -out:"$out/CoreTests.exe" "${core_refs[@]}" -r:"$out/AtasSignalStrategy.Core.dll" \
  -r:"$out/SimAtas.dll" -r:"$out/AtasSignalStrategy.Sim.dll" "$root"/tests/*.cs "$root"/tests/Scenarios/*.cs
cp "$newtonsoft" "$out/"

if [ "${RUN_CHECKS:-1}" != "0" ] && command -v mono >/dev/null 2>&1; then
  echo "build.sh: offline checks (mono $out/CoreTests.exe)"
  status=0
  mono --debug "$out/CoreTests.exe" > "$out/offline-checks.log" 2>&1 || status=$?
  grep -v '^ok ' "$out/offline-checks.log" || true
  [ "$status" -eq 0 ] || fail "offline checks failed (see $out/offline-checks.log)"
fi

echo "build.sh: ok"
