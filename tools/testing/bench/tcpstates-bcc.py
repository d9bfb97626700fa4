#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run Debian's /usr/sbin/tcpstates-bpfcc unchanged, with bcc-compat.h
force-included when the kernel's headers need it (6.12 with bcc 0.26)."""
import os
import runpy
import sys

import bcc

here = os.path.dirname(os.path.abspath(__file__))
orig_init = bcc.BPF.__init__


def init(self, *args, **kwargs):
    major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    if (major, minor) >= (6, 9) or os.environ.get("BENCH_BCC_COMPAT"):
        kwargs["cflags"] = list(kwargs.get("cflags") or []) + [
            "-include", os.path.join(here, "bcc-compat.h")]
    orig_init(self, *args, **kwargs)


bcc.BPF.__init__ = init
sys.argv = ["tcpstates-bpfcc"] + sys.argv[1:]
runpy.run_path("/usr/sbin/tcpstates-bpfcc", run_name="__main__")
