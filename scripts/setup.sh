#!/usr/bin/env bash
# Set-up on a fresh Debian 12 machine with Node.js >= 20.19: the README's two commands and
# .ci/run start with it.
#
#   1. the Debian packages of scripts/debian-packages.txt: installed with apt-get when run as
#      root; otherwise the exact apt-get line to run as root is printed and the script exits 1;
#   2. npm ci (node-pty and better-sqlite3 are compiled with node-gyp: about 3 minutes on 2 cores,
#      silent meanwhile), skipped when node_modules already holds this package-lock.json's
#      install for this Node.js (delete node_modules to force it);
#   3. npm run build (TypeScript and the native helpers into dist/);
#   4. npm link: the `lapidary` command in npm's global bin directory (`npm prefix -g`/bin,
#      /usr/bin for Debian's and NodeSource's Node.js), pointing at this checkout's dist/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'lapidary setup: %s\n' "$*"; }
fail() { printf 'lapidary setup: error: %s\n' "$*" >&2; exit 1; }

# Node.js: package.json's engines field.
command -v node >/dev/null || fail 'Node.js is not installed: lapidary needs Node.js >= 20.19 (Debian 12'"'"'s own nodejs package is 18.19, too old)'
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || fail "Node.js $(node --version) is too old: lapidary needs Node.js >= 20.19"
command -v npm >/dev/null || fail 'npm is not installed (it comes with Node.js; Debian packages it as "npm")'

# Debian packages.
mapfile -t packages < <(grep -v -e '^#' -e '^[[:space:]]*$' scripts/debian-packages.txt)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  install_line="apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: ${missing[*]}"
    say 'run as root:'
    printf '  apt-get update && %s\n' "$install_line"
    say 'then run this script again'
    exit 1
  fi
  say "installing the Debian packages ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086 # one word per package
  apt-get install -y -qq --no-install-recommends ${missing[*]}
fi

# node-gyp compiles against the running Node.js's headers; use the installed ones (NodeSource and
# Debian ship them under PREFIX/include/node) instead of downloading them.
prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/node.h" ]; then
  export npm_config_nodedir="$prefix"
fi

# npm ci, unless node_modules already is its result for this lock file and Node.js ABI.
stamp_file=node_modules/.lapidary-setup
stamp="$(sha256sum package-lock.json | cut -d' ' -f1) node-abi-$(node -p process.versions.modules)"
if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
  say 'node_modules is already npm ci'"'"'s install of package-lock.json for this Node.js (delete node_modules to reinstall)'
else
  say 'npm ci: compiling better-sqlite3 and node-pty takes about 3 minutes with no output'
  npm ci --no-audit --no-fund
  printf '%s\n' "$stamp" > "$stamp_file"
fi

npm run build --silent

# The lapidary command.
if npm link --no-audit --no-fund >/dev/null 2>&1; then
  say "the lapidary command is $(npm prefix -g)/bin/lapidary (npm link; it runs this checkout's dist/cli/bin.js)"
else
  say "npm link failed (npm's global directory $(npm prefix -g) is not writable as $(id -un)): run npm link as root for a lapidary command, or use npx lapidary here"
fi
say 'done'
