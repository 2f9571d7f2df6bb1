# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Podman for nodes that are network namespaces of one machine (sourced by
# podnet_cni.sh and scripts/demo.sh): each node gets a podman
# configuration of its own, as a machine of its own would have, and
# containers run from a busybox image made locally (no registry).

# podman_conf DIR GRAPHROOT [IMAGESTORE]: containers.conf and storage.conf
# in DIR (for CONTAINERS_CONF and CONTAINERS_STORAGE_CONF): cgroupfs,
# crun, the CNI backend with its networks in DIR/net.d (podnet-cni -o),
# images in GRAPHROOT, and read from IMAGESTORE as well (an import costs
# 25 s under TCG: one node imports, the others read its store).
podman_conf() {
	local d=$1 g=$2 s=${3:-}
	mkdir -p "$d" "$g"
	cat > "$d/containers.conf" <<-EOF
	[engine]
	cgroup_manager = "cgroupfs"
	events_logger = "file"
	events_logfile_path = "$d/events.log"
	runtime = "crun"
	tmp_dir = "$d/libpod"
	[network]
	network_backend = "cni"
	network_config_dir = "$d/net.d"
	EOF
	cat > "$d/storage.conf" <<-EOF
	[storage]
	driver = "overlay"
	graphroot = "$g"
	runroot = "$d/storage"
	EOF
	[ -z "$s" ] || printf '[storage.options]\nadditionalimagestores = ["%s"]\n' "$s" \
		>> "$d/storage.conf"
}

# busybox_import DIR IMAGE: IMAGE made by podman import (with the podman
# configuration in DIR) of a root of busybox applets, with an empty /www
busybox_import() {
	local root a
	root=$(mktemp -d) || return 1
	mkdir -p "$root/bin" "$root/www"
	cp /bin/busybox "$root/bin/"
	for a in sh ls cat ping ping6 ip sleep dd sha256sum wget httpd mkdir mount umount; do
		ln -s busybox "$root/bin/$a"
	done
	tar -C "$root" -c . | CONTAINERS_CONF=$1/containers.conf \
		CONTAINERS_STORAGE_CONF=$1/storage.conf podman import -q - "$2" >/dev/null
	a=$?
	rm -rf "$root"
	return $a
}
