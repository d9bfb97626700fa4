/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mark churn -M executes and insn-profile.c watches for:
 * "nopl 0x7474706d(%rax)", a no-op no compiler emits with this
 * displacement ("mptt").
 */
#ifndef PROFILE_MARK_H
#define PROFILE_MARK_H

#define PROFILE_MARK_BYTES 0x0f, 0x1f, 0x80, 0x6d, 0x70, 0x74, 0x74
#define PROFILE_MARK_STR_(...) #__VA_ARGS__
#define PROFILE_MARK_STR(...) PROFILE_MARK_STR_(__VA_ARGS__)
/* For an asm statement. */
#define PROFILE_MARK_ASM ".byte " PROFILE_MARK_STR(PROFILE_MARK_BYTES)

#endif
