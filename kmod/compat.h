/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tcptrail supports (6.1 and 6.12), in one
 * place. Force-included before every source file by Kbuild.
 */
#ifndef _TCPTRAIL_COMPAT_H
#define _TCPTRAIL_COMPAT_H

#include <linux/version.h>

/* 6.5 added the inet_diag pseudo-state TCP_BOUND_INACTIVE after NEW_SYN_RECV. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define TCP_BOUND_INACTIVE 13
#endif

#endif /* _TCPTRAIL_COMPAT_H */
