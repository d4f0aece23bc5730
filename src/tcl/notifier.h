/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The epoll notifier of lacpsh and lacpctld (notifier.c). */
#ifndef LACP_NOTIFIER_H
#define LACP_NOTIFIER_H

/*
 * Makes Tcl wait in epoll in the calling thread instead of through Tcl
 * 8.6's notifier thread. Call first thing in main(), before
 * Tcl_FindExecutable() or Tcl_Main() start Tcl's notifier. Returns 1 when
 * installed, 0 when LACP_NOTIFIER=tcl in the environment asks for Tcl's
 * own, and -errno when the epoll set cannot be made (Tcl's stays).
 */
int lacp_notifier_install(void);

#endif
