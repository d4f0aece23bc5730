/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wire protocol between lacpctld and its clients, shared by the
 * daemon (src/prog/lacpctld.c, which documents it in full) and lacpctlc.
 *
 * A client sends a Tcl script and half-closes. If the script's first line
 * is exactly LACP_CTL_HELLO (a Tcl comment), the daemon removes that line
 * and answers in framed records, "TAG LENGTH\n" + LENGTH bytes + "\n";
 * otherwise it answers in plain text for netcat and socat users.
 */
#ifndef LACP_CTL_PROTO_H
#define LACP_CTL_PROTO_H

/* Where lacpctld listens unless told otherwise (-s). */
#define LACP_CTL_DEFAULT_SOCKET "/run/lacpctld.sock"

/* The first line of a request that asks for a framed reply. */
#define LACP_CTL_HELLO "#lacpctl 1\n"

/* Record tags. The last record of a complete reply is one of
 * ok, error or refused; the others come before it. */
#define LACP_CTL_TAG_STDOUT "stdout"
#define LACP_CTL_TAG_STDERR "stderr"
#define LACP_CTL_TAG_ERRORCODE "errorcode"
#define LACP_CTL_TAG_ERRORINFO "errorinfo"
#define LACP_CTL_TAG_OK "ok"
#define LACP_CTL_TAG_ERROR "error"
#define LACP_CTL_TAG_REFUSED "refused"

/* Longest record header a client must accept: a tag, a space, up to 20
 * digits and the newline. */
#define LACP_CTL_MAX_RECORD_HEADER 48

#endif
