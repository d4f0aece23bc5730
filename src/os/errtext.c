/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The failure text of the daemon base (errtext.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "errtext.h"

int lacp_errtext(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
