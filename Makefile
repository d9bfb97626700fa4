# SPDX-License-Identifier: GPL-2.0
#
# make                      build kmod/tcptrail.ko for the running kernel and
#                           the tool user/tcptrail
# make KDIR=<kernel build>  ... the module for another kernel's headers
# make module-for KVER=<v>  build build/<v>/kmod/tcptrail.ko (one tree per
#                           kernel, so several kernels can be built side by side)
# make style                checkpatch.pl --strict over the kernel sources
# make check                install test dependencies, run the VM test suite
# make demo                 boot a VM, load the module, show real connections
# make clean

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
ROOT := $(CURDIR)

all: module tool

tool:
	$(MAKE) -C user

module:
	$(MAKE) -C $(KDIR) M=$(ROOT) modules

# A shadow tree of symlinks per kernel: Kbuild writes its objects next to
# the sources, so each kernel gets its own directory of links to them.
module-for:
	@test -n "$(KVER)" || { echo "usage: make module-for KVER=<kernel version>"; exit 2; }
	@mkdir -p build/$(KVER)/kmod
	@find build/$(KVER)/kmod -xtype l -delete
	@ln -sfn $(ROOT)/Kbuild build/$(KVER)/Kbuild
	@ln -sfn $(ROOT)/include build/$(KVER)/include
	@for f in $(ROOT)/kmod/*.c $(ROOT)/kmod/*.h $(ROOT)/kmod/Kbuild; do \
		ln -sfn $$f build/$(KVER)/kmod/; done
	$(MAKE) -C /lib/modules/$(KVER)/build M=$(ROOT)/build/$(KVER) W=$(W) modules

style:
	tools/testing/style.sh

check:
	tools/testing/check.sh

demo:
	tools/testing/demo.sh

clean:
	$(MAKE) -C $(KDIR) M=$(ROOT) clean 2>/dev/null || true
	$(MAKE) -C user clean
	rm -rf build

.PHONY: all module tool module-for style check demo clean
