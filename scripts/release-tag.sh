#!/usr/bin/env bash
# Tags the checked-out commit as a release: v<version>, the version from pom.xml without -SNAPSHOT
# (0.2.0-SNAPSHOT: v0.2.0). pre-commit's `rev:` and GitHub Actions' `uses: gradflow/gradflow@`
# name this tag, as the README's snippets do; PreCommitHookIT and GithubActionIT make it in
# their scratch clones to run those snippets as written.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
[ -n "$version" ] || { echo "release-tag: no <version> in pom.xml" >&2; exit 1; }
tag="v${version%-SNAPSHOT}"
git -c user.name="${GIT_AUTHOR_NAME:-gradflow release}" -c user.email="${GIT_AUTHOR_EMAIL:-release@gradflow.invalid}" \
  tag -a "$tag" -m "gradflow $tag"
echo "$tag"
