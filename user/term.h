/* SPDX-License-Identifier: GPL-2.0 */
/* The terminal: colours, widths, what the locale can show. */
#ifndef TCPTRAIL_TERM_H
#define TCPTRAIL_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Room for a sanitised comm: 15 bytes + NUL. */
#define TT_COMM_LEN		17

/* comm without its control characters, NUL-terminated. */
void tt_format_comm(const char *comm, size_t max, char buf[TT_COMM_LEN]);

/* True if the locale can show "µ" and block characters. */
bool tt_utf8_output(void);

/* Columns s takes (characters, not bytes). */
int tt_text_columns(const char *s);

/* s padded with spaces to width columns (counting characters, not bytes):
 * right-aligned, or left-aligned for a negative width.
 */
void tt_print_padded(FILE *out, const char *s, int width);

/* Terminal colours; every function returns "" when colour is off. */
enum tt_color {
	TT_COLOR_RESET,
	TT_COLOR_DIM,
	TT_COLOR_BOLD,
	TT_COLOR_RED,
	TT_COLOR_GREEN,
	TT_COLOR_YELLOW,
	TT_COLOR_BLUE,
	TT_COLOR_MAGENTA,
	TT_COLOR_CYAN,
};
const char *tt_color(bool on, enum tt_color c);
/* The colour a state is shown in. */
enum tt_color tt_state_color(unsigned int state);
/* Colour for stdout: a terminal, and neither --no-color nor $NO_COLOR. */
bool tt_color_wanted(bool no_color_flag);

/* Columns of the terminal on stdout ($COLUMNS, TIOCGWINSZ), else 80. */
unsigned int tt_terminal_columns(void);

#endif
