/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One line of text for a failure, as the daemon base reports them: the
 * caller gives a buffer, the callee fills it and returns -1.
 */
#ifndef LACP_ERRTEXT_H
#define LACP_ERRTEXT_H

#include <stddef.h>

/* Formats FMT into ERR (ERRLEN octets, always terminated); returns -1, so
 * that an error path can end with `return lacp_errtext(...)`. */
int lacp_errtext(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
