// SPDX-License-Identifier: GPL-2.0
/*
 * insn-profile: a QEMU TCG plugin for tools/testing/bench/bench.sh. It
 * counts the guest kernel instructions executed, per translation block,
 * and writes the counts to a file each time the guest executes the mark
 * (churn -M, around its measured window). The difference of two such
 * files is the exact instruction count of every kernel block in between;
 * report.py names the functions from the guest's /proc/kallsyms.
 *
 *   qemu-system-x86_64 ... -plugin insn-profile.so,out=DIR/snap
 *   writes DIR/snap.0, DIR/snap.1, ...: lines "block-address insns runs".
 *
 * Debian does not package QEMU's qemu-plugin.h: the few calls used here
 * are declared below as in its version 1 API (QEMU 7.2, bookworm's).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile-mark.h"

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
					      enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
					    qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags,
					    void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb,
						 size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static const unsigned char mark[] = { PROFILE_MARK_BYTES };

/* Kernel text on x86-64: the upper half. */
#define KERNEL_START 0xffff800000000000ull

struct block {
	uint64_t addr, insns, runs;
	struct block *next;
};

#define HASH_BITS 20
static struct block *blocks[1 << HASH_BITS];
static const char *out_prefix;
static unsigned int snapshots;

/* A block is its start and length: a retranslation shares its counter. */
static struct block *block_get(uint64_t addr, uint64_t insns)
{
	size_t h = (addr * 0x9E3779B97F4A7C15ull) >> (64 - HASH_BITS);
	struct block *b;

	for (b = blocks[h]; b; b = b->next)
		if (b->addr == addr && b->insns == insns)
			return b;
	b = calloc(1, sizeof(*b));
	if (!b) {
		fprintf(stderr, "insn-profile: out of memory\n");
		exit(1);
	}
	b->addr = addr;
	b->insns = insns;
	b->next = blocks[h];
	blocks[h] = b;
	return b;
}

static void snapshot(unsigned int vcpu, void *unused)
{
	char path[4096];
	struct block *b;
	FILE *f;
	size_t i;

	(void)vcpu;
	(void)unused;
	snprintf(path, sizeof(path), "%s.%u", out_prefix, snapshots++);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		return;
	}
	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		for (b = blocks[i]; b; b = b->next)
			if (b->runs)
				fprintf(f, "%llx %llu %llu\n",
					(unsigned long long)b->addr,
					(unsigned long long)b->insns,
					(unsigned long long)b->runs);
	if (fclose(f))
		perror(path);
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t addr = qemu_plugin_tb_vaddr(tb);
	size_t i, n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	if (addr >= KERNEL_START) {
		qemu_plugin_register_vcpu_tb_exec_inline(tb,
			QEMU_PLUGIN_INLINE_ADD_U64, &block_get(addr, n)->runs, 1);
		return;
	}
	for (i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		if (qemu_plugin_insn_size(insn) == sizeof(mark) &&
		    !memcmp(qemu_plugin_insn_data(insn), mark, sizeof(mark)))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, snapshot,
				QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

static void stopped(qemu_plugin_id_t id, void *unused)
{
	(void)id;
	(void)unused;
	fprintf(stderr, "insn-profile: %u snapshot(s) written to %s.N\n",
		snapshots, out_prefix);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
			int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++)
		if (!strncmp(argv[i], "out=", 4))
			out_prefix = argv[i] + 4;
	if (!out_prefix) {
		fprintf(stderr, "insn-profile: give out=PREFIX, the files to write\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
	qemu_plugin_register_atexit_cb(id, stopped, NULL);
	return 0;
}
