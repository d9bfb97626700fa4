/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How tcptrail shows things to humans (and names them in JSON), by topic:
 * the names of states, kinds and reasons (labels.h), addresses (addr.h),
 * times and sizes (units.h), the terminal (term.h), the output's health
 * (output.h).
 */
#ifndef TCPTRAIL_FORMAT_H
#define TCPTRAIL_FORMAT_H

#include <tcptrail/names.h>

#include "addr.h"
#include "labels.h"
#include "output.h"
#include "term.h"
#include "units.h"

#endif
