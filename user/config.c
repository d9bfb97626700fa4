// SPDX-License-Identifier: GPL-2.0
/*
 * tcptrail config: show or change the ring size, recording on/off, and the
 * family and port filters.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "filter.h"
#include "format.h"
#include "json.h"
#include "nl.h"
#include "options.h"
#include "subcommands.h"

#define CONFIG_OPTIONS	TT_OPTS_OUTPUT

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tcptrail config [show] [--json] [--no-color]\n"
		"       tcptrail config set [ring-size N] [enable|disable]\n"
		"                           [family any|ipv4|ipv6] [ports P1,P2,...|ports none]\n\n"
		"Show or change what the module records. ring-size: records the ring holds\n"
		"(%d..%u, rounded up to a power of two; resizing drops what the ring held);\n"
		"enable/disable: recording on or off; family: record only IPv4 or IPv6;\n"
		"ports: record only connections with one of these (at most %d) as local\n"
		"or remote port, none for all. Changing needs CAP_NET_ADMIN.\n",
		TCPTRAIL_RING_MIN, TCPTRAIL_RING_MAX, TCPTRAIL_MAX_FILTER_PORTS);
	tt_options_help(out, CONFIG_OPTIONS);
}

struct config {
	bool has_ring_size;
	uint32_t ring_size;
	bool has_enabled;
	bool enabled;
	bool has_family;
	uint16_t family;	/* 0: any */
	bool has_ports;
	unsigned int nr_ports;
	uint16_t ports[TCPTRAIL_MAX_FILTER_PORTS];
};

static const char *family_filter_name(uint16_t family)
{
	switch (family) {
	case 0:		return "any";
	case AF_INET:	return "ipv4";
	case AF_INET6:	return "ipv6";
	default:	return "unknown";
	}
}

static int parse_config(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[TCPTRAIL_A_MAX + 1];
	struct config *cfg = arg;
	int err;

	err = tt_nl_parse(nlh, tb);
	if (err)
		return err;
	if (!tb[TCPTRAIL_A_RING_SIZE] || !tb[TCPTRAIL_A_ENABLED] ||
	    !tb[TCPTRAIL_A_FILTER_FAMILY])
		return -EPROTO;
	cfg->has_ring_size = cfg->has_enabled = cfg->has_family = true;
	cfg->ring_size = nla_get_u32(tb[TCPTRAIL_A_RING_SIZE]);
	cfg->enabled = nla_get_u8(tb[TCPTRAIL_A_ENABLED]);
	cfg->family = nla_get_u16(tb[TCPTRAIL_A_FILTER_FAMILY]);
	cfg->has_ports = true;
	cfg->nr_ports = 0;
	if (tb[TCPTRAIL_A_FILTER_PORTS]) {
		struct nlattr *port;
		int rem;

		nla_for_each_nested(port, tb[TCPTRAIL_A_FILTER_PORTS], rem) {
			if (nla_type(port) != TCPTRAIL_A_PORT || nla_len(port) < 2)
				continue;
			if (cfg->nr_ports == TCPTRAIL_MAX_FILTER_PORTS)
				break;
			cfg->ports[cfg->nr_ports++] = nla_get_u16(port);
		}
	}
	return 0;
}

static void print_json(const struct config *cfg)
{
	struct json_writer w;
	unsigned int i;

	json_init(&w, stdout);
	json_object_begin(&w);
	json_kv_u64(&w, "ring_size", cfg->ring_size);
	json_kv_bool(&w, "enabled", cfg->enabled);
	json_kv_string(&w, "family", family_filter_name(cfg->family));
	json_key(&w, "ports");
	json_array_begin(&w);
	for (i = 0; i < cfg->nr_ports; i++)
		json_u64(&w, cfg->ports[i]);
	json_array_end(&w);
	json_object_end(&w);
}

static void print_human(const struct config *cfg, bool color)
{
	const char *reset = tt_color(color, TT_COLOR_RESET);
	unsigned int i;

	printf("%-10s %s%s%s\n", "recording",
	       tt_color(color, cfg->enabled ? TT_COLOR_GREEN : TT_COLOR_RED),
	       cfg->enabled ? "enabled" : "disabled", reset);
	printf("%-10s %" PRIu32 " records\n", "ring size", cfg->ring_size);
	printf("%-10s %s\n", "family", family_filter_name(cfg->family));
	printf("%-10s ", "ports");
	if (!cfg->nr_ports)
		printf("any");
	for (i = 0; i < cfg->nr_ports; i++)
		printf("%s%u", i ? "," : "", cfg->ports[i]);
	printf("\n");
}

/* "80,443,8080" */
static int parse_port_list(const char *s, struct config *cfg)
{
	char *copy = strdup(s), *token, *save = NULL;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	cfg->has_ports = true;
	cfg->nr_ports = 0;
	if (strcmp(s, "none") == 0)
		goto out;
	for (token = strtok_r(copy, ",", &save); token && !err;
	     token = strtok_r(NULL, ",", &save)) {
		uint16_t port;

		if (tt_parse_port(token, &port) || port == 0 ||
		    cfg->nr_ports == TCPTRAIL_MAX_FILTER_PORTS)
			err = -EINVAL;
		else
			cfg->ports[cfg->nr_ports++] = port;
	}
	if (!cfg->nr_ports)
		err = -EINVAL;
out:
	free(copy);
	return err;
}

/* The words after "set"; a usage error (exit 2) if they make no sense. */
static int parse_set_words(const char *cmd, int n, char **words, struct config *cfg)
{
	int i;

	if (n == 0)
		return tt_usage_error(cmd, usage, "'set' needs something to set");
	for (i = 0; i < n; i++) {
		const char *word = words[i], *value = i + 1 < n ? words[i + 1] : NULL;

		if (strcmp(word, "enable") == 0 || strcmp(word, "disable") == 0) {
			cfg->has_enabled = true;
			cfg->enabled = word[0] == 'e';
			continue;
		}
		if (strcmp(word, "ring-size") && strcmp(word, "family") && strcmp(word, "ports"))
			return tt_usage_error(cmd, usage, "unknown setting '%s'", word);
		if (!value)
			return tt_usage_error(cmd, usage, "'%s' needs a value", word);
		i++;
		if (strcmp(word, "ring-size") == 0) {
			unsigned long long v;
			char *end;

			errno = 0;
			v = strtoull(value, &end, 10);
			if (errno || *end || value[0] < '0' || value[0] > '9' ||
			    v < TCPTRAIL_RING_MIN || v > TCPTRAIL_RING_MAX)
				return tt_usage_error(cmd, usage,
					"ring-size must be a number of records from %d to %u",
					TCPTRAIL_RING_MIN, TCPTRAIL_RING_MAX);
			cfg->has_ring_size = true;
			cfg->ring_size = v;
		} else if (strcmp(word, "family") == 0) {
			cfg->has_family = true;
			if (strcmp(value, "any") == 0)
				cfg->family = 0;
			else if (strcmp(value, "ipv4") == 0)
				cfg->family = AF_INET;
			else if (strcmp(value, "ipv6") == 0)
				cfg->family = AF_INET6;
			else
				return tt_usage_error(cmd, usage,
					"family must be any, ipv4 or ipv6, not '%s'", value);
		} else if (parse_port_list(value, cfg)) {
			return tt_usage_error(cmd, usage,
				"ports must be 'none' or up to %d ports from 1 to 65535, "
				"separated by commas, not '%s'",
				TCPTRAIL_MAX_FILTER_PORTS, value);
		}
	}
	return TT_OPTIONS_CONTINUE;
}

static int set_config(struct tt_nl *nl, const struct config *cfg)
{
	struct nl_msg *msg = tt_nl_new_request(nl, TCPTRAIL_CMD_SET_CONFIG, 0);
	struct nlattr *ports;
	unsigned int i;

	if (!msg)
		return -ENOMEM;
	if ((cfg->has_ring_size &&
	     nla_put_u32(msg, TCPTRAIL_A_RING_SIZE, cfg->ring_size) < 0) ||
	    (cfg->has_enabled && nla_put_u8(msg, TCPTRAIL_A_ENABLED, cfg->enabled) < 0) ||
	    (cfg->has_family &&
	     nla_put_u16(msg, TCPTRAIL_A_FILTER_FAMILY, cfg->family) < 0))
		goto nomem;
	if (cfg->has_ports) {
		/* An empty nest clears the filter: libnl drops empty nests
		 * unless told to keep them.
		 */
		ports = nla_nest_start(msg, TCPTRAIL_A_FILTER_PORTS);
		if (!ports)
			goto nomem;
		for (i = 0; i < cfg->nr_ports; i++)
			if (nla_put_u16(msg, TCPTRAIL_A_PORT, cfg->ports[i]) < 0)
				goto nomem;
		nla_nest_end_keep_empty(msg, ports);
	}
	return tt_nl_request(nl, msg, NULL, NULL);
nomem:
	nlmsg_free(msg);
	return -ENOMEM;
}

static int get_config(struct tt_nl *nl, struct config *cfg)
{
	struct nl_msg *msg = tt_nl_new_request(nl, TCPTRAIL_CMD_GET_CONFIG, 0);

	if (!msg)
		return -ENOMEM;
	memset(cfg, 0, sizeof(*cfg));
	return tt_nl_request(nl, msg, parse_config, cfg);
}

int cmd_config(int argc, char **argv)
{
	struct config wanted = { 0 }, current;
	struct tt_options opts;
	bool set = false;
	struct tt_nl nl;
	int ret, err;

	ret = tt_options_parse(argc, argv, CONFIG_OPTIONS, usage, &opts);
	if (ret != TT_OPTIONS_CONTINUE)
		return ret;
	if (opts.nr_operands > 0 && strcmp(opts.operands[0], "set") == 0) {
		set = true;
		ret = parse_set_words(argv[0], opts.nr_operands - 1, opts.operands + 1,
				      &wanted);
		if (ret != TT_OPTIONS_CONTINUE)
			return ret;
	} else if (opts.nr_operands > 1 ||
		   (opts.nr_operands == 1 && strcmp(opts.operands[0], "show") != 0)) {
		return tt_usage_error(argv[0], usage, "unexpected argument '%s'",
				      opts.operands[opts.nr_operands > 1 &&
						    strcmp(opts.operands[0], "show") == 0]);
	}

	err = tt_nl_open(&nl);
	if (err)
		return TT_EXIT_FAILURE;
	if (set) {
		err = set_config(&nl, &wanted);
		if (err)
			tt_nl_report(&nl, err, "changing the configuration",
				     "CAP_NET_ADMIN in the initial user namespace");
	}
	if (!err) {
		err = get_config(&nl, &current);
		if (err)
			tt_nl_report(&nl, err, "reading the configuration", NULL);
	}
	tt_nl_close(&nl);
	if (err)
		return TT_EXIT_FAILURE;

	if (opts.json)
		print_json(&current);
	else
		print_human(&current, opts.color);
	return tt_exit_status(tt_flush(stdout));
}
