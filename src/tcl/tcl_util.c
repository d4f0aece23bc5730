/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Helpers every command of the Tcl binding uses: error results with an
 * -errorcode, option value readers (integers in range, MAC addresses,
 * state strings) and their Tcl_Obj counterparts.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sm.h"
#include "state.h"
#include "tcl_lacp.h"

int lacp_tcl_error(Tcl_Interp *interp, const char *code, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	Tcl_Obj *codeobj;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	Tcl_SetObjResult(interp, Tcl_NewStringObj(buf, -1));
	codeobj = Tcl_NewStringObj(code, -1);
	Tcl_SetObjErrorCode(interp, codeobj);
	return TCL_ERROR;
}

int lacp_tcl_wrong_args(Tcl_Interp *interp, int objc, Tcl_Obj *const objv[],
			const char *msg)
{
	Tcl_WrongNumArgs(interp, objc, objv, msg != NULL && msg[0] != '\0' ? msg : NULL);
	Tcl_SetErrorCode(interp, "LACP", "ARGS", NULL);
	return TCL_ERROR;
}

int lacp_tcl_create_names(struct lacp_tcl_state *st, Tcl_Interp *interp, int objc,
			  Tcl_Obj *const objv[],
			  int (*create)(struct lacp_tcl_state *, Tcl_Interp *, int,
					Tcl_Obj *const[]),
			  Tcl_Obj *(*names)(const struct lacp_tcl_state *))
{
	static const char *const subs[] = {"create", "names", NULL};
	int sub;

	if (objc < 2)
		return lacp_tcl_wrong_args(interp, 1, objv, "create|names ?arg ...?");
	if (lacp_tcl_get_index(interp, objv[1], subs, "subcommand", &sub) != TCL_OK)
		return TCL_ERROR;
	if (sub == 0)
		return create(st, interp, objc, objv);
	if (objc != 2)
		return lacp_tcl_wrong_args(interp, 2, objv, "");
	Tcl_SetObjResult(interp, names(st));
	return TCL_OK;
}

int lacp_tcl_get_int_range(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
			   long min, long max, long *out)
{
	Tcl_WideInt v;

	if (Tcl_GetWideIntFromObj(NULL, obj, &v) != TCL_OK)
		return lacp_tcl_error(interp, "LACP VALUE INTEGER",
				      "expected an integer for %s but got \"%s\"",
				      option, Tcl_GetString(obj));
	if (v < min || v > max)
		return lacp_tcl_error(interp, "LACP VALUE RANGE",
				      "%s must be in %ld..%ld, got %s", option,
				      min, max, Tcl_GetString(obj));
	*out = (long)v;
	return TCL_OK;
}

int lacp_tcl_get_mac(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
		     uint8_t mac[6])
{
	const char *s = Tcl_GetString(obj);
	unsigned v[6];
	char sep[5], tail;
	int i, n;

	n = sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &v[0], &sep[0], &v[1],
		   &sep[1], &v[2], &sep[2], &v[3], &sep[3], &v[4], &sep[4],
		   &v[5], &tail);
	if (n != 11 || strlen(s) != 17)
		goto bad;
	for (i = 0; i < 5; i++)
		if (sep[i] != sep[0] || (sep[i] != ':' && sep[i] != '-'))
			goto bad;
	for (i = 0; i < 17; i++)
		if (i % 3 != 2 && !strchr("0123456789abcdefABCDEF", s[i]))
			goto bad;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return TCL_OK;
bad:
	return lacp_tcl_error(interp, "LACP VALUE MAC",
			      "expected a MAC address like 02:00:00:00:00:01 for %s but got \"%s\"",
			      option, s);
}

Tcl_Obj *lacp_tcl_mac_obj(const uint8_t mac[6])
{
	char buf[18];

	snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return Tcl_NewStringObj(buf, -1);
}

int lacp_tcl_get_state(Tcl_Interp *interp, Tcl_Obj *obj, uint8_t *out)
{
	Tcl_Size len;
	const char *s = Tcl_GetStringFromObj(obj, &len);
	size_t bad;

	if (lacp_state_parse(s, (size_t)len, out, &bad) == 0)
		return TCL_OK;
	if (bad < (size_t)len && !(s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) &&
	    !(s[0] >= '0' && s[0] <= '9'))
		return lacp_tcl_error(interp, "LACP VALUE STATE",
				      "unknown state letter \"%c\" in \"%s\"",
				      s[bad], s);
	return lacp_tcl_error(interp, "LACP VALUE STATE",
			      "bad state \"%s\": expected letters of ATGSCDFE, N, 0x00..0xff or 0..255",
			      s);
}

Tcl_Obj *lacp_tcl_state_obj(uint8_t state)
{
	char buf[LACP_STATE_STRLEN];

	return Tcl_NewStringObj(lacp_state_format(state, buf), -1);
}

int lacp_tcl_get_index(Tcl_Interp *interp, Tcl_Obj *obj, const char *const *table,
		       const char *what, int *index)
{
	char kind[64];
	size_t i;

	if (Tcl_GetIndexFromObj(interp, obj, table, what, 0, index) == TCL_OK)
		return TCL_OK;
	if (strcmp(what, "option") == 0) {
		Tcl_SetObjErrorCode(interp, Tcl_NewListObj(3, (Tcl_Obj *[]){
			Tcl_NewStringObj("LACP", -1), Tcl_NewStringObj("OPTION", -1), obj}));
		return TCL_ERROR;
	}
	/* {LACP VALUE KIND VALUE}: the kind of value ("link state" ->
	 * LINK_STATE), then the value itself */
	for (i = 0; what[i] != '\0' && i < sizeof kind - 1; i++)
		kind[i] = what[i] == ' ' ? '_' : (char)toupper((unsigned char)what[i]);
	kind[i] = '\0';
	Tcl_SetObjErrorCode(interp, Tcl_NewListObj(4, (Tcl_Obj *[]){
		Tcl_NewStringObj("LACP", -1), Tcl_NewStringObj("VALUE", -1),
		Tcl_NewStringObj(kind, -1), obj}));
	return TCL_ERROR;
}

int lacp_tcl_need_value(Tcl_Interp *interp, int i, int objc, Tcl_Obj *const objv[])
{
	if (i + 1 < objc)
		return TCL_OK;
	return lacp_tcl_error(interp, "LACP OPTION VALUE",
			      "option \"%s\" needs a value", Tcl_GetString(objv[i]));
}

const unsigned char *lacp_tcl_get_bytes(Tcl_Obj *obj, Tcl_Size *len)
{
	return Tcl_GetByteArrayFromObj(obj, len);
}

Tcl_Obj *lacp_tcl_hex_obj(const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	Tcl_Obj *o;
	char *p = ckalloc(2 * len + 1);
	size_t i;

	for (i = 0; i < len; i++) {
		p[2 * i] = digits[data[i] >> 4];
		p[2 * i + 1] = digits[data[i] & 15];
	}
	o = Tcl_NewStringObj(p, (Tcl_Size)(2 * len));
	ckfree(p);
	return o;
}

int lacp_tcl_get_hex(Tcl_Interp *interp, Tcl_Obj *obj, const char *option,
		     uint8_t *buf, size_t cap, size_t *len)
{
	Tcl_Size n;
	const char *s = Tcl_GetStringFromObj(obj, &n);
	size_t i, out = 0;

	for (i = 0; i < (size_t)n;) {
		int hi, lo;

		if (s[i] == ' ' || s[i] == ':') {
			i++;
			continue;
		}
		hi = lacp_hex_value(s[i]);
		lo = i + 1 < (size_t)n ? lacp_hex_value(s[i + 1]) : -1;
		if (hi < 0 || lo < 0)
			return lacp_tcl_error(interp, "LACP VALUE HEX",
					      "bad hex string \"%s\" for %s at character %zu",
					      s, option, i + (hi < 0 ? 0 : 1));
		if (out == cap)
			return lacp_tcl_error(interp, "LACP VALUE RANGE",
					      "hex string for %s longer than %zu octets",
					      option, cap);
		buf[out++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	*len = out;
	return TCL_OK;
}

/*
 * Whether the script running in INTERP was cancelled (interp cancel) or
 * its time limit passed, leaving Tcl's own error if so. Tcl_LimitCheck
 * alone does not do for loops that move virtual time: it looks at the
 * clock only every so many commands, counted by the interpreter, and the
 * limit's timer needs the event loop such a loop does not serve.
 */
bool lacp_tcl_interrupted(Tcl_Interp *interp)
{
	Tcl_Time limit, now;

	if (Tcl_Canceled(interp, TCL_LEAVE_ERR_MSG) == TCL_ERROR)
		return true;
	if (!Tcl_LimitTypeEnabled(interp, TCL_LIMIT_TIME))
		return false;
	Tcl_LimitGetTime(interp, &limit);
	Tcl_GetTime(&now);
	if (now.sec < limit.sec || (now.sec == limit.sec && now.usec < limit.usec))
		return false;
	Tcl_SetObjResult(interp, Tcl_NewStringObj("time limit exceeded", -1));
	Tcl_SetErrorCode(interp, "TCL", "LIMIT", "TIME", NULL);
	return true;
}

/*
 * Puts the fields every view of a machine event shares into dict D:
 * machine, from and to of a transition or expiry, the aggregators of an
 * aggregator change, machine and on of churn, on of loopback. Returns
 * whether EV was one of those.
 */
bool lacp_tcl_event_fields(Tcl_Obj *d, const struct lacp_event *ev)
{
	switch (ev->type) {
	case LACP_EV_TRANSITION:
	case LACP_EV_EXPIRED:
		Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("machine", -1),
			       Tcl_NewStringObj(lacp_machine_name[ev->machine], -1));
		Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("from", -1), Tcl_NewStringObj(
			lacp_machine_state_name(ev->machine, ev->from), -1));
		Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("to", -1), Tcl_NewStringObj(
			lacp_machine_state_name(ev->machine, ev->to), -1));
		return true;
	case LACP_EV_AGGREGATOR:
		Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("from", -1), Tcl_NewIntObj(ev->old_aggregator));
		Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("to", -1), Tcl_NewIntObj(ev->new_aggregator));
		return true;
	case LACP_EV_CHURN:
		Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("machine", -1),
			       Tcl_NewStringObj(lacp_machine_name[ev->machine], -1));
		/* fall through */
	case LACP_EV_LOOPBACK:
		Tcl_DictObjPut(NULL, d, Tcl_NewStringObj("on", -1), Tcl_NewBooleanObj(ev->on));
		return true;
	default:
		return false;
	}
}
