# SPDX-License-Identifier: GPL-2.0
#
# make                      build kmod/tcptrail.ko for the running kernel and
#                           the tool user/tcptrail
# make KDIR=<kernel build>  ... the module for another kernel's headers
# make module-for KVER=<v>  build build/<v>/kmod/tcptrail.ko (one tree per
#                           kernel, so several kernels can be built side by side;
#                           KDIR= for a build tree outside /lib/modules)
# make sparse-for KVER=<v>  the same tree through sparse (C=2)
# make install              module (modules_install + depmod), tool to
#                           $(PREFIX)/sbin, man page; honours DESTDIR, PREFIX
# make uninstall
# make dkms-install         register with DKMS: rebuilt for every kernel
# make dkms-remove
# make deb                  Debian packages tcptrail and tcptrail-dkms in
#                           build/deb/ (dpkg-buildpackage), checked by lintian
# make style                checkpatch.pl --strict over the kernel sources
# make regen                the netlink header from its YNL spec (ynl-gen-c)
# make check                install test dependencies, run the VM test suite
#                           on 6.1, 6.12 and the newest 7.x; W=1 and sparse
#                           builds on those and 5.10 (tools/testing/kernels.sh)
# make check-all            the same with the VM suite on 5.10 too
# make check-rt             the same on Debian's PREEMPT_RT 6.12 kernel
# make check-debug          the same on a KASAN/lockdep/UBSAN/kmemleak 6.1
#                           kernel built from linux-source-6.1 (cached)
# make demo                 boot a VM, load the module, show real connections
# make bench                measure tcptrail's cost against ftrace, bpftrace
#                           and bcc in the VM, write docs/bench.md
# make clean

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
ROOT := $(CURDIR)
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRC := /usr/src/tcptrail-$(VERSION)

all: module tool

# Without the kernel's build tree, say which kernel and which package has it
# (instead of make's own "No such file or directory" from -C $(KDIR)).
define need_kdir
	@test -f $(KDIR)/Makefile || { \
		echo "tcptrail: no build tree for kernel $(KVER) at $(KDIR)" >&2; \
		echo "  install that kernel's headers (Debian/Ubuntu: apt-get install linux-headers-$(KVER);" >&2; \
		echo "  Fedora: dnf install kernel-devel-$(KVER); Arch: pacman -S linux-headers)," >&2; \
		echo "  or name another kernel's: make KDIR=/lib/modules/<version>/build" >&2; \
		exit 1; }
endef

tool:
	$(MAKE) -C user

module:
	$(need_kdir)
	$(MAKE) -C $(KDIR) M=$(ROOT) modules

# A shadow tree of symlinks per kernel: Kbuild writes its objects next to
# the sources, so each kernel gets its own directory of links to them.
shadow-tree:
	@test -n "$(KVER)" || { echo "usage: make module-for KVER=<kernel version>"; exit 2; }
	$(need_kdir)
	@mkdir -p build/$(KVER)/kmod
	@find build/$(KVER)/kmod -xtype l -delete
	@ln -sfn $(ROOT)/Kbuild build/$(KVER)/Kbuild
	@ln -sfn $(ROOT)/include build/$(KVER)/include
	@for f in $(ROOT)/kmod/*.c $(ROOT)/kmod/*.h $(ROOT)/kmod/Kbuild; do \
		ln -sfn $$f build/$(KVER)/kmod/; done

module-for: shadow-tree
	$(MAKE) -C $(KDIR) M=$(ROOT)/build/$(KVER) W=$(W) modules

sparse-for: shadow-tree
	$(MAKE) -C $(KDIR) M=$(ROOT)/build/$(KVER) C=2 modules

install: all
	$(need_kdir)
	$(MAKE) -C $(KDIR) M=$(ROOT) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=extra modules_install
	$(if $(DESTDIR),depmod -b $(DESTDIR) $(KVER) || true,depmod $(KVER))
	install -D -m 0755 user/tcptrail $(DESTDIR)$(PREFIX)/sbin/tcptrail
	install -D -m 0644 user/tcptrail.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/tcptrail.8

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/extra/kmod/tcptrail.ko*
	$(if $(DESTDIR),,depmod $(KVER))
	rm -f $(DESTDIR)$(PREFIX)/sbin/tcptrail \
		$(DESTDIR)$(PREFIX)/share/man/man8/tcptrail.8

# The module's sources, as DKMS wants them: $(1) is the directory.
define dkms_tree
	rm -rf $(1) && mkdir -p $(1)/kmod $(1)/include/uapi/linux $(1)/include/tcptrail
	cp Kbuild dkms.conf $(1)/
	cp kmod/Kbuild kmod/*.c kmod/*.h $(1)/kmod/
	cp include/uapi/linux/tcptrail.h include/uapi/linux/tcptrail_genl.h \
		$(1)/include/uapi/linux/
	cp include/tcptrail/names.h $(1)/include/tcptrail/
endef

dkms-install:
	$(call dkms_tree,$(DKMS_SRC))
	dkms add -m tcptrail -v $(VERSION)
	dkms build -m tcptrail -v $(VERSION) -k $(KVER)
	dkms install -m tcptrail -v $(VERSION) -k $(KVER)

# The same tree under $(DESTDIR) (debian/rules: the tcptrail-dkms package).
dkms-source:
	$(call dkms_tree,$(DESTDIR)$(DKMS_SRC))

# A copy of the sources (the checkout as it is, without build/ or .git), so
# that dpkg-buildpackage leaves its products in build/deb/, not next to the
# checkout. The changelog's version and dkms.conf's must agree.
DEB_DIR := build/deb
deb:
	@test "$$(dpkg-parsechangelog -S Version)" = "$(VERSION)" || { \
		echo "make deb: debian/changelog's version is not dkms.conf's $(VERSION)" >&2; exit 1; }
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/tcptrail-$(VERSION)
	tar -c --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.d' \
		--exclude=./user/tcptrail . | tar -x -C $(DEB_DIR)/tcptrail-$(VERSION)
	cd $(DEB_DIR)/tcptrail-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning --info $(DEB_DIR)/tcptrail_$(VERSION)_*.changes
	@ls -1 $(DEB_DIR)/*.deb

dkms-remove:
	dkms remove -m tcptrail -v $(VERSION) --all || true
	rm -rf $(DKMS_SRC)

# What CI runs: dkms build against each kernel, in a private DKMS tree.
dkms-check:
	$(call dkms_tree,$(ROOT)/build/dkms-src/tcptrail-$(VERSION))
	rm -rf build/dkms-tree && mkdir -p build/dkms-tree
	for k in $(KVERS); do \
		dkms build -m tcptrail -v $(VERSION) -k $$k \
			--sourcetree $(ROOT)/build/dkms-src \
			--dkmstree $(ROOT)/build/dkms-tree || exit 1; \
	done

style:
	tools/testing/style.sh

# include/uapi/linux/tcptrail_genl.h from the netlink spec, by the kernel's
# ynl-gen-c (check.sh fails when the two disagree).
regen:
	tools/ynl-regen.sh

check:
	tools/testing/check.sh

# The VM suite on all four kernel series, 5.10 included.
check-all:
	TCPTRAIL_CHECK_ALL=1 tools/testing/check.sh

# The same suite on Debian's PREEMPT_RT 6.12 kernel (not in CI's budget).
check-rt:
	TCPTRAIL_WITH_RT=1 tools/testing/check.sh

# The same suite on a debug kernel (KASAN, lockdep, UBSAN, kmemleak) built
# here from linux-source-6.1 (not in CI's budget either).
check-debug:
	tools/testing/debug-kernel.sh

demo:
	tools/testing/demo.sh

bench:
	tools/testing/bench/bench.sh

# The foreign kernels' chroots (build/chroot) may have /proc, /dev or the
# repo mounted in them: unmounted first, or rm -rf would walk into them.
clean:
	tools/testing/umount-under.sh build/chroot
	rm -f kmod/*.o kmod/*.ko kmod/*.mod kmod/*.mod.c kmod/.*.cmd \
		kmod/modules.order modules.order Module.symvers .*.cmd
	$(MAKE) -C user clean
	rm -rf --one-file-system build

.PHONY: all module tool shadow-tree module-for sparse-for install uninstall \
	dkms-install dkms-source deb dkms-remove dkms-check style regen check check-all check-rt \
	check-debug demo bench clean
