# SPDX-License-Identifier: GPL-2.0
#
# podkit: the podnet and podvol kernel modules and their tools.
#
#   make                 build both modules (for KVER/KDIR) and all tools
#   make W=1 C=1         the same with the developer checks make check uses:
#                        extra warnings and sparse (needs the sparse package)
#   make install         install into DESTDIR (default /), depmod when DESTDIR is empty
#   make deps            install the Debian packages everything here needs
#   make check           build, unit tests, KUnit, selftests on the three kernels
#   make demo            the three-node demo in a VM
#   make bench           benchmarks against geneve/vxlan and dm-stripe/md
#   make fuzz            netlink, packet and metadata fuzzing (hours; debug kernel)
#   make stress          fio under fault injection, route flooding (debug kernel)
#   make vm-shell        interactive shell in a guest (KERNEL=stock|trixie|debug)
#   make vm-test T=NAME  one selftest in a guest (KERNEL=stock|trixie|debug)
#
# KVER / KDIR choose the kernel: by default the running kernel when its
# headers are installed, otherwise the newest installed headers.  Giving only
# KDIR (for example the debug kernel's build tree) derives KVER from it.

TOP := $(CURDIR)

ifneq ($(KDIR),)
KVER ?= $(shell $(TOP)/scripts/kver.sh $(KDIR))
else
KVER ?= $(shell $(TOP)/scripts/kver.sh)
KDIR := /lib/modules/$(KVER)/build
endif

BUILD := $(TOP)/build/$(KVER)
DESTDIR ?=
MULTIARCH ?= $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
# Flags for the kernel's make.  None by default: a node builds with its
# compiler alone.  make check and selftests/vm/run-test pass W=1 C=1; W=1 and
# C=1 given to this make reach kbuild too.
KBUILD_FLAGS ?=

export KVER KDIR MULTIARCH DESTDIR

.PHONY: all modules tools install modules_install tools_install deps packages check \
	demo bench fuzz stress vm-shell vm-test clean dkms-install

all: modules tools

# The kernel tree is built per kernel release in build/KVER, which mirrors the
# sources through symlinks so several kernels can be built side by side.
# scripts/compat.sh first probes the kernel for the API features compat.h
# tests (compat/have_*.c) into build/KVER/compat/podkit_compat.h.
modules:
	@test -e $(KDIR)/Makefile || { echo "no kernel build tree at KDIR=$(KDIR)"; exit 1; }
	@mkdir -p $(BUILD)
	@cp -rsf $(TOP)/Kbuild $(TOP)/drivers $(TOP)/include $(BUILD)/
	@find $(BUILD) -xtype l -delete
	@$(TOP)/scripts/compat.sh $(TOP) $(KDIR) $(BUILD)
	$(MAKE) -C $(KDIR) M=$(BUILD) $(KBUILD_FLAGS) modules

tools:
	$(MAKE) -C tools

install: modules_install tools_install

modules_install: modules
	$(MAKE) -C $(KDIR) M=$(BUILD) INSTALL_MOD_PATH=$(if $(DESTDIR),$(abspath $(DESTDIR))) \
		INSTALL_MOD_DIR=updates DEPMOD=/bin/true modules_install
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(KVER); fi

tools_install: tools
	$(MAKE) -C tools install

# The host's packages, and the Debian 13 root the newer kernels' modules
# are built in.  make check makes that root itself, beside the debug kernel.
deps: packages
	@$(TOP)/scripts/debian13-root.sh >/dev/null

packages:
	@$(TOP)/scripts/deps.sh

check: packages
	@$(TOP)/scripts/check.sh

demo: packages
	@$(TOP)/scripts/demo.sh

bench: packages
	@$(TOP)/scripts/bench.sh

# Outside make check (which runs a smoke of each); see
# Documentation/dev-tools/testing.rst, "make fuzz and make stress".
fuzz: packages tools
	@$(TOP)/scripts/fuzz.sh

stress: packages tools
	@$(TOP)/scripts/stress.sh

KERNEL ?= stock
vm-shell: packages
	@$(TOP)/selftests/vm/run-test --kernel $(KERNEL) --shell

vm-test: packages
	@$(TOP)/selftests/vm/run-test --kernel $(KERNEL) $(T)

# A bootable node image (Debian 12 root, stock kernel, podkit installed,
# units enabled; SUITE=trixie: Debian 13 and its 6.12 kernel) and a cluster
# of QEMU nodes booted from it (SUITE= too); see
# Documentation/admin-guide/podkit-node.rst, "A node image".
.PHONY: image cluster
image: packages
	@$(TOP)/scripts/image.sh

cluster: packages
	@$(TOP)/scripts/cluster.sh

dkms-install:
	@$(TOP)/scripts/dkms-install.sh

clean:
	rm -rf build
	$(MAKE) -C tools clean
