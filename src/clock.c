/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Placeholder until the module lands. */
typedef int lacp_clock_placeholder;
