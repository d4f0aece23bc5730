/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lacpctlc: placeholder until the client lands. */
#include <stdio.h>
int main(void)
{
	fputs("lacpctlc: not implemented yet\n", stderr);
	return 2;
}
