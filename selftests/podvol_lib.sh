# SPDX-License-Identifier: GPL-2.0
# Sourced by podvol selftests that use the guest's disks and loop devices:
# KTAP helpers, and on exit every pool stopped, the loop devices in $loops
# detached, udevd stopped and the scratch directory $tmp removed (both set
# by the test).
# shellcheck shell=bash
. "$(dirname "$0")/ktap.sh"
cleanup() {
	for p in $(podvolctl -j pool show 2>/dev/null | jq -r '.[].name' 2>/dev/null); do
		podvolctl pool stop "$p" >/dev/null 2>&1
	done
	for l in ${loops:-}; do losetup -d "$l" 2>/dev/null; done
	udevadm control --exit 2>/dev/null
	[ -z "${tmp:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
