/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The simulation harness of the machine tests (tests/unit) and of the
 * machines fuzzer (fuzz/fuzz_machines.c): systems and ports of the core
 * joined by in-process wires, all on one virtual clock. It owns the
 * plumbing between them: the port callbacks (transmit onto the wire, count
 * events), the wire callbacks (deliver to the port, carrier to
 * port_enabled), a log of what each port sent, and running the clock.
 * What a caller checks it adds through the hooks of a struct sim_port.
 */
#ifndef LACP_TEST_SIM_H
#define LACP_TEST_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "lacpdu.h"
#include "sm.h"
#include "wire.h"

struct sim;

/* A sent frame as the log keeps it. */
struct sim_tx {
	lacp_time_t time;
	uint8_t subtype;
	struct lacp_lacpdu pdu;    /* when a LACPDU */
	struct lacp_marker marker; /* when a Marker PDU */
};

struct sim_port {
	struct sim *sim;
	struct lacp_port *p;  /* NULL until opened, and once freed */
	struct lacp_wire *w;  /* NULL until connected */
	int end;
	uint64_t fed;         /* frames handed to the port by sim_feed() */
	unsigned wire_refused; /* frames of legal size lacp_wire_send() refused */
	struct sim_tx *tx;    /* every frame sent, when the sim logs */
	size_t n_tx, cap_tx;
	unsigned events[LACP_EV_COUNT];
	/* Optional hooks: a frame the port sends, before it goes on the
	 * wire; every event, after it is counted; a carrier change, after
	 * the port heard it. */
	void (*on_transmit)(struct sim_port *sp, const uint8_t *pdu, size_t len,
			    lacp_time_t now);
	void (*on_event)(struct sim_port *sp, const struct lacp_event *ev);
	void (*on_carrier)(struct sim_port *sp, bool up, lacp_time_t now);
	void *user;
	bool allocated; /* by sim_port(): freed by sim_free() */
};

struct sim {
	struct lacp_timerq *q;
	struct lacp_vclock vc;
	bool log_tx; /* keep struct sim_port.tx (on after sim_init) */
	uint64_t delivered; /* frames handed to ports, all of them */
	uint64_t skewed;    /* deliveries stamped with another time than the clock's */
	uint64_t stray;     /* callbacks from a port that is not the one its sim_port holds */
	/* everything the sim frees, in the order made (arrays that grow) */
	struct lacp_system **sys;
	size_t n_sys, cap_sys;
	struct sim_port **ports;
	size_t n_ports, cap_ports;
	struct lacp_wire **wires;
	size_t n_wires, cap_wires;
};

/* States entered over every scenario, summed when a sim is freed. */
extern struct lacp_coverage sim_coverage;

void sim_init(struct sim *s);
/* Frees the systems (and their ports), the wires, the ports sim_port()
 * allocated, and the clock's queue. */
void sim_free(struct sim *s);

/* A system with MAC 02:00:00:00:00:ID. */
struct lacp_system *sim_system(struct sim *s, uint8_t id, uint16_t prio);

/* The defaults with port number N. */
struct lacp_port_config sim_config(uint16_t n);

/* A new port of SYS with config C, in a struct sim_port of its own. */
struct sim_port *sim_port(struct sim *s, struct lacp_system *sys,
			  const struct lacp_port_config *c);

/* SP, the caller's, joins S (once, before it is connected or opened). */
void sim_port_add(struct sim *s, struct sim_port *sp);

/* Creates SP's port (again, after it was freed); returns lacp_port_new()'s
 * result. SP->p is set before any callback of the new port runs. */
int sim_port_open(struct sim_port *sp, struct lacp_system *sys,
		  const struct lacp_port_config *c);

/* Frees SP's port; SP stays, cabled, for a later sim_port_open(). */
void sim_port_close(struct sim_port *sp);

/* Joins A and B with a new wire of DELAY_MS (A at end 0). */
struct lacp_wire *sim_connect(struct sim *s, struct sim_port *a, struct sim_port *b,
			      lacp_time_t delay_ms);

/* Hands FRAME to SP's port as received now, counting it; -1 when SP has
 * no port, else lacp_port_rx()'s result. */
int sim_feed(struct sim_port *sp, const uint8_t *frame, size_t len);

void sim_enable(struct sim *s, struct sim_port *sp);

/* Advances the virtual clock by MS milliseconds / by US microseconds. */
void sim_run(struct sim *s, double ms);
void sim_advance(struct sim *s, lacp_time_t us);

/* Advances until COND(ARG) holds or LIMIT_MS passed, timer by timer.
 * Returns the time it held, or -1. */
lacp_time_t sim_run_until(struct sim *s, bool (*cond)(void *arg), void *arg, double limit_ms);

/* LACPDUs SP sent in [FROM, TO). */
unsigned sim_lacpdus(const struct sim_port *sp, lacp_time_t from, lacp_time_t to);

/* The last LACPDU SP sent, or NULL. */
const struct sim_tx *sim_last_lacpdu(const struct sim_port *sp);

#endif
