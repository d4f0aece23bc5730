/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Placeholder until the module lands. */
#include "state.h"
char *lacp_state_format(uint8_t state, char *buf) { (void)state; buf[0] = 'N'; buf[1] = 0; return buf; }
int lacp_state_parse(const char *s, size_t len, uint8_t *out, size_t *bad) { (void)s; *out = 0; *bad = len; return -1; }
