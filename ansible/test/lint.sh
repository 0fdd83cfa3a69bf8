#!/usr/bin/env bash
# ansible/test/lint.sh — the fast checks of ansible/ that bin/test runs on every run:
# `ansible-playbook --syntax-check` of every playbook and `ansible-lint` (production profile,
# ansible/.ansible-lint). Needs Debian's ansible and ansible-lint; .ci/run installs them.
# Exit 0 = clean; 3 = the tools are missing (bin/test then says so and, under CI, fails).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in ansible-playbook ansible-lint; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "ansible: $tool is not installed (apt-get install ansible ansible-lint)" >&2
    exit 3
  fi
done
playbooks=(site.yml rolling_restart.yml upgrade.yml add_storage.yml decommission_storage.yml prometheus_targets.yml)
start=$SECONDS
if ! out="$(ANSIBLE_NOCOLOR=1 ansible-playbook --syntax-check "${playbooks[@]}" \
    -e moraine_new_storage=mh8 -e moraine_remove_storage=mh6 2>&1)"; then
  echo "$out" >&2
  exit 1
fi
NO_COLOR=1 ansible-lint --nocolor -q "${playbooks[@]}" roles
echo "ansible: syntax-check and ansible-lint clean (${#playbooks[@]} playbooks, 5 roles, $((SECONDS - start)) s)" >&2
