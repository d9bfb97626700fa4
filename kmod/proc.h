/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/net/tcptrail/{events,stats} in every network namespace. */
#ifndef _TCPTRAIL_PROC_H
#define _TCPTRAIL_PROC_H

int tcptrail_proc_init(void);
void tcptrail_proc_exit(void);

#endif /* _TCPTRAIL_PROC_H */
