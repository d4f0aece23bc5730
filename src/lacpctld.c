/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lacpctld: placeholder until the daemon lands. */
#include <stdio.h>
#include <tcl.h>
int Lacp_Init(Tcl_Interp *interp);
int main(void)
{
	fputs("lacpctld: not implemented yet\n", stderr);
	return 2;
}
