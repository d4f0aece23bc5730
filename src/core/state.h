/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The eight bits of an Actor_State / Partner_State octet (802.1AX-2014
 * 6.4.2.3, items m and u) and their text forms: lacpd's letters
 * "ATGSCDFE" ("N" when no bit is set), "0x.." hex and decimal.
 */
#ifndef LACP_STATE_H
#define LACP_STATE_H

#include <stddef.h>
#include <stdint.h>

enum {
	LACP_STATE_ACTIVITY = 0x01,     /* A: LACP_Activity, 1 = active */
	LACP_STATE_TIMEOUT = 0x02,      /* T: LACP_Timeout, 1 = short */
	LACP_STATE_AGGREGATION = 0x04,  /* G: Aggregation, 1 = aggregatable */
	LACP_STATE_SYNC = 0x08,         /* S: Synchronization */
	LACP_STATE_COLLECTING = 0x10,   /* C */
	LACP_STATE_DISTRIBUTING = 0x20, /* D */
	LACP_STATE_DEFAULTED = 0x40,    /* F: deFaulted */
	LACP_STATE_EXPIRED = 0x80,      /* E */
};

/* The letters, bit 0 first. */
#define LACP_STATE_LETTERS "ATGSCDFE"

/* Long enough for every letter and the terminating NUL. */
#define LACP_STATE_STRLEN 9

/*
 * Formats STATE as the letters of its set bits in the order ATGSCDFE, or "N"
 * when none is set. BUF must hold LACP_STATE_STRLEN bytes. Returns BUF.
 */
char *lacp_state_format(uint8_t state, char *buf);

/*
 * Parses LEN bytes at S as a state: letters from "ATGSCDFE" in any order and
 * case (each at most once is not required; repeats are harmless), "N" alone
 * for none, "0x" followed by 1-2 hex digits, or a decimal number 0..255.
 * Returns 0 and stores the octet in *OUT, or -1 with *BAD set to the index
 * of the first offending character (LEN when the text is empty or a number
 * is out of range).
 */
int lacp_state_parse(const char *s, size_t len, uint8_t *out, size_t *bad);

/* The value of hex digit C (either case), or -1. */
int lacp_hex_value(char c);

#endif
