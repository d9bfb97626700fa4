// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <langinfo.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <tcptrail/names.h>

#include "term.h"

bool tt_utf8_output(void)
{
	const char *codeset = nl_langinfo(CODESET);

	return codeset && strcasecmp(codeset, "UTF-8") == 0;
}

void tt_format_comm(const char *comm, size_t max, char buf[TT_COMM_LEN])
{
	size_t n = strnlen(comm, max), i;

	if (n > TT_COMM_LEN - 1)
		n = TT_COMM_LEN - 1;
	for (i = 0; i < n; i++)
		buf[i] = isprint((unsigned char)comm[i]) ? comm[i] : '?';
	buf[n] = '\0';
}

int tt_text_columns(const char *s)
{
	int columns = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			columns++;
	return columns;
}

void tt_print_padded(FILE *out, const char *s, int width)
{
	bool left = width < 0;
	int pad = (left ? -width : width) - tt_text_columns(s);

	if (left)
		fputs(s, out);
	while (pad-- > 0)
		fputc(' ', out);
	if (!left)
		fputs(s, out);
}

const char *tt_color(bool on, enum tt_color c)
{
	static const char *const codes[] = {
		[TT_COLOR_RESET]	= "\033[0m",
		[TT_COLOR_DIM]		= "\033[2m",
		[TT_COLOR_BOLD]		= "\033[1m",
		[TT_COLOR_RED]		= "\033[31m",
		[TT_COLOR_GREEN]	= "\033[32m",
		[TT_COLOR_YELLOW]	= "\033[33m",
		[TT_COLOR_BLUE]		= "\033[34m",
		[TT_COLOR_MAGENTA]	= "\033[35m",
		[TT_COLOR_CYAN]		= "\033[36m",
	};

	return on ? codes[c] : "";
}

enum tt_color tt_state_color(unsigned int state)
{
	switch (state) {
	case TCP_ESTABLISHED:
		return TT_COLOR_GREEN;
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
	case TCPTRAIL_TCP_NEW_SYN_RECV:
		return TT_COLOR_YELLOW;
	case TCP_LISTEN:
		return TT_COLOR_BLUE;
	case TCP_CLOSE:
		return TT_COLOR_RED;
	default:
		return TT_COLOR_MAGENTA;
	}
}

bool tt_color_wanted(bool no_color_flag)
{
	const char *no_color = getenv("NO_COLOR");

	if (no_color_flag || (no_color && *no_color))
		return false;
	return isatty(STDOUT_FILENO);
}

unsigned int tt_terminal_columns(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;

	if (!isatty(STDOUT_FILENO))
		return 80;
	if (env) {
		char *end;
		unsigned long cols = strtoul(env, &end, 10);

		if (end != env && !*end && cols >= 20 && cols <= 1000)
			return cols;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}
