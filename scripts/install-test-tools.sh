#!/usr/bin/env bash
# Installs what the integration tests run besides the JVM, idempotently (a second run takes
# a moment and touches nothing):
#   - Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool-<os>, a self-contained .NET
#     program: no .NET runtime needed) into .tools/, which git ignores; SarifValidationIT runs it.
#   - Debian's pre-commit, libxml2-utils (xmllint), jq, python3-jsonschema and python3-yaml (apt-get
#     needs root, which CI has): PreCommitHookIT runs pre-commit, CiFormatsIT validates the CI formats
#     with the rest, GithubActionIT reads action.yml.
#   - the Nu Html Checker (npm vnu-jar, a Java program) into .tools/vnu/; the HTML report's tests
#     validate the page with it.
#   - Chromium, Debian's package (apt-get, root); the HTML report's tests render the page headless.
# Maven runs this in pre-integration-test, so `mvn verify` alone is enough on a fresh machine.
# The first run needs the npm registry and a Debian mirror.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$here/.tools"
sarif_version=5.7.0
vnu_version=26.9.27

fail() {
  echo "install-test-tools: $*" >&2
  exit 1
}

case "$(uname -s)" in
  Linux) pkg=@microsoft/sarif-multitool-linux ;;
  Darwin) pkg=@microsoft/sarif-multitool-darwin ;;
  *) fail "no SARIF Multitool package for $(uname -s)" ;;
esac
dir="$tools/node_modules/$pkg"
multitool="$dir/Sarif.Multitool"
if [ ! -f "$multitool" ] || ! grep -q "\"version\": *\"$sarif_version\"" "$dir/package.json" 2>/dev/null; then
  command -v npm >/dev/null || fail "npm is needed to install the SARIF Multitool (Debian: apt-get install npm)"
  echo "install-test-tools: installing $pkg@$sarif_version into .tools/" >&2
  mkdir -p "$tools"
  # --ignore-scripts: the package's only script is the chmod below
  npm install --prefix "$tools" --no-save --no-audit --no-fund --no-package-lock --ignore-scripts \
    "$pkg@$sarif_version" >&2 || fail "npm install $pkg@$sarif_version failed"
fi
chmod u+x "$multitool"
# invariant globalisation: the program then needs no ICU library
DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$multitool" --version >/dev/null 2>&1 \
  || fail "$multitool does not run on this machine"

# its own prefix: npm prunes what a prefix's last install did not ask for
vnu="$tools/vnu/node_modules/vnu-jar"
if [ ! -f "$vnu/build/dist/vnu.jar" ] || ! grep -q "\"version\": *\"$vnu_version\"" "$vnu/package.json" 2>/dev/null; then
  command -v npm >/dev/null || fail "npm is needed to install the Nu Html Checker (Debian: apt-get install npm)"
  echo "install-test-tools: installing vnu-jar@$vnu_version into .tools/vnu/" >&2
  mkdir -p "$tools/vnu"
  npm install --prefix "$tools/vnu" --no-save --no-audit --no-fund --no-package-lock --ignore-scripts \
    "vnu-jar@$vnu_version" >&2 || fail "npm install vnu-jar@$vnu_version failed"
fi

apt_install() {  # apt_install PACKAGE COMMAND WHY
  local package=$1 command=$2 why=$3
  command -v "$command" >/dev/null && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install-test-tools: installing $package (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "$package" >&2 || { apt-get update -q >&2 && apt-get install -y -q "$package" >&2; } \
      || fail "apt-get install $package failed"
  else
    fail "$package is not installed ($why), and installing it needs root: run 'sudo apt-get install $package', then rerun"
  fi
}
apt_install chromium chromium "the HTML report's tests render the page in headless Chromium"

command -v git >/dev/null || fail "git is needed by the pre-commit integration test"
# Debian packages, by the command that shows each is there:
#   pre-commit        PreCommitHookIT
#   xmllint           CiFormatsIT: JUnit XML against Jenkins' xUnit schema (libxml2-utils)
#   jq                CiFormatsIT: JSON Lines, one document a line
#   python3 jsonschema  CiFormatsIT: GitLab Code Quality and reviewdog rdjson against their schemas
#   python3 yaml      GithubActionIT: reads action.yml and the README's workflow
missing=()
command -v pre-commit >/dev/null || missing+=(pre-commit)
command -v xmllint >/dev/null || missing+=(libxml2-utils)
command -v jq >/dev/null || missing+=(jq)
python3 -c 'import jsonschema' >/dev/null 2>&1 || missing+=(python3-jsonschema)
python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install-test-tools: installing ${missing[*]} (Debian packages)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q "${missing[@]}" >&2 || { apt-get update -q >&2 && apt-get install -y -q "${missing[@]}" >&2; } \
      || fail "apt-get install ${missing[*]} failed"
  else
    fail "${missing[*]} not installed, and installing needs root: run 'sudo apt-get install ${missing[*]}'," \
      "then rerun"
  fi
fi
