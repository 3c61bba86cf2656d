#!/usr/bin/env bash
# Keep the shipped packs, checkpoints and task networks out of what travels to a lent GPU machine.
#
# The device tool sends the working tree (tracked files, and untracked files git does not ignore) plus the
# carried paths, 64 MiB at most. The repository alone is ~67 MiB, nearly all of it packs, checkpoints and
# task networks that device training does not read (it reads the photos and its starting checkpoint from
# the carried .device-data, see device_train.sh). So, around the device calls, from the repository root:
#     bash training/tools/device_tree.sh hide       # untrack and ignore them: the index only, files stay
#     ... device calls (the `run` tool) ...
#     bash training/tools/device_tree.sh restore    # index and .git/info/exclude as before (idempotent)
#     bash training/tools/device_tree.sh size       # MiB that would travel now, without carried paths
# Never commit while hidden: the commit would delete them. `hide` refuses to start with staged changes.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
paths=(codec-core/src/main/resources/lic/packs adaptors/src/main/resources/lic/packs training/checkpoints
       training/task-models codec-server/src/test/resources/large)
exclude=.git/info/exclude
begin="# device_tree.sh: hidden from the device machine (run 'device_tree.sh restore')"
end="# device_tree.sh: end"

travelling_mib() {
  git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s -- 2>/dev/null |
    awk '{s += $1} END {printf "%.1f\n", s / 1048576}'
}

case "${1:-}" in
  hide)
    if grep -qxF "$begin" "$exclude" 2>/dev/null; then echo "already hidden" >&2; exit 0; fi
    git diff --cached --quiet || { echo "staged changes: commit or unstage them first" >&2; exit 1; }
    git rm -r -q --cached -- "${paths[@]}"
    { echo "$begin"; printf '/%s/\n' "${paths[@]}"; echo "$end"; } >> "$exclude"
    echo "hidden; $(travelling_mib) MiB travel now. Run 'restore' after the device calls, before any commit."
    ;;
  restore)
    git reset -q -- "${paths[@]}"
    if [ -f "$exclude" ]; then
      sed -i "\\|^$begin\$|,\\|^$end\$|d" "$exclude"
    fi
    echo "restored; $(travelling_mib) MiB would travel."
    ;;
  size)
    echo "$(travelling_mib) MiB would travel (plus carried paths; the limit is 64 MiB)"
    ;;
  *)
    echo "usage: $0 hide|restore|size" >&2
    exit 2
    ;;
esac
