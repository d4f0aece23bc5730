/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the files of the Tcl binding (src/tcl_*.c) share: the
 * per-interpreter state, error reporting, and each file's registration.
 */
#ifndef LACP_TCL_LACP_H
#define LACP_TCL_LACP_H

#include <stdint.h>
#include <tcl.h>

#define LACP_ASSOC_KEY "lacp"

/* Tcl 9 counts with Tcl_Size; 8.6 with int. */
#ifndef TCL_SIZE_MAX
typedef int Tcl_Size;
#endif

struct lacp_tcl_state;

struct lacp_tcl_state *lacp_tcl_state_new(Tcl_Interp *interp);
void lacp_tcl_state_free(struct lacp_tcl_state *st);

/* Creates every ::lacp command. */
int lacp_tcl_register(Tcl_Interp *interp, struct lacp_tcl_state *st);

/* Registration of each command family, called by lacp_tcl_register. */
int lacp_tcl_pdu_register(Tcl_Interp *interp, struct lacp_tcl_state *st);

/*
 * Leaves a formatted message in the result and sets -errorcode to the
 * words given (a NULL-terminated list after FMT's arguments is not
 * possible in C, so CODE is a Tcl list string such as "LACP VALUE STATE").
 * Returns TCL_ERROR.
 */
int lacp_tcl_error(Tcl_Interp *interp, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "wrong # args" with -errorcode {LACP ARGS}; returns TCL_ERROR. */
int lacp_tcl_wrong_args(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[],
			const char *msg);

/*
 * Tcl_GetIndexFromObj with a LACP -errorcode: {LACP OPTION NAME} for an
 * unknown option (WHAT "option") or {LACP VALUE NAME} for other words.
 */
int lacp_tcl_get_index(Tcl_Interp *interp, Tcl_Obj *obj, const char *const *table,
		       const char *what, int *index);

/* Checks that an option at objv[i] has a value after it. */
int lacp_tcl_need_value(Tcl_Interp *interp, int i, int objc, Tcl_Obj *const objv[]);

/* Reads a byte string: a bytearray, or any string as its UTF-8 octets. */
const unsigned char *lacp_tcl_get_bytes(Tcl_Obj *obj, Tcl_Size *len);

/* Hex text "0a1b.." <-> octets; errors name OPTION. */
Tcl_Obj *lacp_tcl_hex_obj(const uint8_t *data, size_t len);
int lacp_tcl_get_hex(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
		     uint8_t *buf, size_t cap, size_t *len);

/* Reads an integer option value within [MIN, MAX]; errors name OPTION. */
int lacp_tcl_get_int_range(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
			   long min, long max, long *out);

/* Parses "aa:bb:cc:dd:ee:ff" (or with '-'); errors name OPTION. */
int lacp_tcl_get_mac(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
		     uint8_t mac[6]);
Tcl_Obj *lacp_tcl_mac_obj(const uint8_t mac[6]);

/* The dict of one Actor/Partner Information TLV (keys of `status` actor). */
struct lacp_info;
Tcl_Obj *lacp_tcl_info_obj(const struct lacp_info *info);

/* Parses a state string (letters, hex, decimal); errors name the bad character. */
int lacp_tcl_get_state(Tcl_Interp *interp, Tcl_Obj *obj, uint8_t *out);
Tcl_Obj *lacp_tcl_state_obj(uint8_t state);

#endif
