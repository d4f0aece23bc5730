/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The parsers that live in the Tcl binding, fed arbitrary words through
 * the commands a script calls: `when` (conditions, actions and options),
 * `inject`, `send`, `wait`, `configure`, `lacp::pdu parse` and `build`,
 * `lacp::state parse`, on ports a and b of a wire, virtual clock. The
 * first octet picks the command; the rest is split into words at newlines
 * (for `lacp::pdu parse`, it is the bytes). Accepted rules then run for a
 * few virtual seconds of negotiation, so that their actions run too.
 *
 * Invariants: no crash, leak or undefined behaviour (ASan, UBSan); every
 * error carries an -errorcode other than NONE; every port and wire created
 * goes away at the end of the input.
 *
 * Nothing the input says may reach outside the process: rules with a
 * `script` action are parsed but never fired, `exit` is a no-op, configure
 * never sees -capture, -interface or -netns (nor a prefix of them), and the
 * commands that touch files, processes or sockets are deleted anyway.
 */
#include <tcl.h>

#include "fuzz.h"

/* Tcl 9 counts with Tcl_Size; 8.6 with int. */
#ifndef TCL_SIZE_MAX
typedef int Tcl_Size;
#endif

int Lacp_Init(Tcl_Interp *interp);

static Tcl_Interp *interp;

/* Evaluates SCRIPT (trusted, ours); aborts when it fails. */
static void eval_ok(const char *script)
{
	if (Tcl_EvalEx(interp, script, -1, TCL_EVAL_GLOBAL) != TCL_OK) {
		fprintf(stderr, "%s: %s\n", script, Tcl_GetStringResult(interp));
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const gone[] = {
		"exec", "open", "file", "socket", "cd", "source", "load", "interp",
		"glob", "::lacp::unix", "::lacp::log", "::lacp::trace::start", NULL,
	};

	(void)argc;
	Tcl_FindExecutable((*argv)[0]);
	interp = Tcl_CreateInterp();
	if (Lacp_Init(interp) != TCL_OK) {
		fprintf(stderr, "Lacp_Init: %s\n", Tcl_GetStringResult(interp));
		abort();
	}
	eval_ok("lacp::clock mode virtual; proc ::exit {args} {}");
	for (int i = 0; gone[i]; i++)
		if (Tcl_FindCommand(interp, gone[i], NULL, TCL_GLOBAL_ONLY))
			Tcl_DeleteCommand(interp, gone[i]);
	return 0;
}

/* The commands the first octet picks; WORDS follow them. */
static const char *const prefixes[] = {
	"a when", "a inject", "a send", "a wait", "a configure", "lacp::pdu build",
	"lacp::state parse", "a rules", "a when", "a when",
};
#define N_PREFIX (sizeof(prefixes) / sizeof(prefixes[0]))

/* Checks the result of the last command: an error has an errorcode. */
static void check_result(int rc, const char *what)
{
	if (rc == TCL_ERROR) {
		Tcl_Obj *opts = Tcl_GetReturnOptions(interp, rc), *key, *code = NULL;

		Tcl_IncrRefCount(opts);
		key = Tcl_NewStringObj("-errorcode", -1);
		Tcl_IncrRefCount(key);
		Tcl_DictObjGet(NULL, opts, key, &code);
		FUZZ_ASSERTF(code && Tcl_GetString(code)[0] &&
				     strcmp(Tcl_GetString(code), "NONE") != 0,
			     "%s: error \"%s\" without an errorcode", what,
			     Tcl_GetStringResult(interp));
		Tcl_DecrRefCount(key);
		Tcl_DecrRefCount(opts);
	}
	FUZZ_ASSERT(rc == TCL_OK || rc == TCL_ERROR);
}

/* Whether word W is in CMD. */
static bool has_word(Tcl_Obj *cmd, const char *w)
{
	Tcl_Size n;
	Tcl_Obj **v;

	Tcl_ListObjGetElements(NULL, cmd, &n, &v);
	for (Tcl_Size i = 0; i < n; i++)
		if (strcmp(Tcl_GetString(v[i]), w) == 0)
			return true;
	return false;
}

/*
 * Whether CMD, picked by prefix number WHICH, stays inside the process
 * and ends soon: `configure` must not name, in full or abbreviated, an
 * option reaching the filesystem or a real interface, and `wait` (which
 * runs the virtual clock up to its timeout) needs a timeout, no number
 * above a minute. A `wait` without timeout on a condition that never
 * holds runs virtual time for ever (see badinput.test, knownBug).
 */
static bool harmless(Tcl_Obj *cmd, int which)
{
	static const char *const risky[] = {"-capture", "-interface", "-netns", NULL};
	Tcl_Size n;
	Tcl_Obj **v;

	Tcl_ListObjGetElements(NULL, cmd, &n, &v);
	if (which == 3 && n != 5)
		return false;
	for (Tcl_Size i = 0; i < n; i++) {
		const char *s = Tcl_GetString(v[i]);
		size_t len = strlen(s);
		Tcl_WideInt num;

		if (which == 4)
			for (int k = 0; risky[k]; k++)
				if (len >= 2 && strncmp(risky[k], s, len) == 0)
					return false;
		if (which == 3 && Tcl_GetWideIntFromObj(NULL, v[i], &num) == TCL_OK &&
		    num > 60000)
			return false;
	}
	return true;
}

/* The word of LEN input bytes at P as a script would have it: read as
 * UTF-8, so that a NUL or a stray byte becomes a character, as Tcl keeps
 * them, rather than bytes no Tcl string can hold. */
static Tcl_Obj *word(const char *p, size_t len)
{
	static Tcl_Encoding utf8;
	Tcl_DString ds;
	Tcl_Obj *w;

	if (utf8 == NULL)
		utf8 = Tcl_GetEncoding(NULL, "utf-8");
	Tcl_ExternalToUtfDString(utf8, p, (int)len, &ds);
	w = Tcl_NewStringObj(Tcl_DStringValue(&ds), Tcl_DStringLength(&ds));
	Tcl_DStringFree(&ds);
	return w;
}

/* Destroys every port and wire, checks none is left, restarts the clock. */
static void cleanup(void)
{
	eval_ok("foreach p [lacp::port names] {catch {$p destroy}}\n"
		"foreach w [lacp::wire names] {catch {lacp::wire $w destroy}}\n"
		"if {[llength [lacp::port names]] || [llength [lacp::wire names]]} {error leftovers}\n"
		"lacp::clock mode real; lacp::clock mode virtual");
	Tcl_ResetResult(interp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Tcl_Obj *cmd;
	bool fire;
	int rc;

	if (size == 0)
		return 0;
	eval_ok("lacp::wire create w\n"
		"lacp::port create a -wire w -system 02:00:00:00:00:0a\n"
		"lacp::port create b -wire w -system 02:00:00:00:00:0b\n"
		"lacp::clock advance 3500");
	Tcl_ResetResult(interp);

	if (data[0] == 0xff || data[0] == 0xfe) {
		/* lacp::pdu parse BYTES ?-strict? */
		cmd = Tcl_NewListObj(0, NULL);
		Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj("lacp::pdu", -1));
		Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj("parse", -1));
		Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewByteArrayObj(data + 1, (int)size - 1));
		if (data[0] == 0xfe)
			Tcl_ListObjAppendElement(NULL, cmd, Tcl_NewStringObj("-strict", -1));
	} else {
		const char *p = (const char *)data + 1, *end = (const char *)data + size;

		Tcl_Obj *prefix = Tcl_NewStringObj(prefixes[data[0] % N_PREFIX], -1);

		/* AppendList copies the elements; the prefix is ours to free. */
		Tcl_IncrRefCount(prefix);
		cmd = Tcl_NewListObj(0, NULL);
		if (Tcl_ListObjAppendList(NULL, cmd, prefix) != TCL_OK)
			abort();
		Tcl_DecrRefCount(prefix);
		while (p <= end && p != NULL) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *e = nl ? nl : end;

			Tcl_ListObjAppendElement(NULL, cmd, word(p, (size_t)(e - p)));
			p = nl ? nl + 1 : NULL;
		}
	}
	Tcl_IncrRefCount(cmd);
	if (data[0] < 0xfe && !harmless(cmd, data[0] % N_PREFIX)) {
		Tcl_DecrRefCount(cmd);
		cleanup();
		return 0;
	}
	rc = Tcl_EvalObjEx(interp, cmd, TCL_EVAL_GLOBAL);
	check_result(rc, Tcl_GetString(cmd));
	fire = rc == TCL_OK && data[0] < 0xfe && data[0] % N_PREFIX != 5 &&
	       data[0] % N_PREFIX != 6 && !has_word(cmd, "script");
	Tcl_DecrRefCount(cmd);
	if (fire) {
		/* Let the rules fire: a link flap and some negotiation. */
		rc = Tcl_EvalEx(interp, "lacp::clock advance 2000; b disable; lacp::clock advance 4000;"
				" b enable; lacp::clock advance 3000", -1, TCL_EVAL_GLOBAL);
		/* A rule may have destroyed b or cut the wire: fine. */
		(void)rc;
	}
	cleanup();
	return 0;
}
