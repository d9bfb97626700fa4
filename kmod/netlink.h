/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "tcptrail", and its notifications of new
 * records, which it installs as the record path's new-data hook.
 */
#ifndef _TCPTRAIL_NETLINK_H
#define _TCPTRAIL_NETLINK_H

int tcptrail_genl_init(void);
void tcptrail_genl_exit(void);

#endif /* _TCPTRAIL_NETLINK_H */
