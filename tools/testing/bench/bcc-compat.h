/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debian 12's bcc (0.26) carries a copy of uapi/linux/bpf.h older than
 * 6.12's include/linux/bpf.h, which takes the size of these: tcpstates then
 * fails to compile ("incomplete type 'struct bpf_wq'"). Their 6.12 uapi
 * definitions, force-included by tcpstates-bcc.py.
 */
struct bpf_wq { unsigned long long __opaque[2]; } __attribute__((aligned(8)));
struct bpf_rb_root { unsigned long long __opaque[2]; } __attribute__((aligned(8)));
struct bpf_rb_node { unsigned long long __opaque[4]; } __attribute__((aligned(8)));
struct bpf_refcount { unsigned int __opaque[1]; } __attribute__((aligned(4)));
