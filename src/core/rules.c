/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The condition language of the inject DSL: a recursive-descent compiler
 * from text to a postfix program, and its evaluator. Grammar (DESIGN.md):
 *
 *   expr   := term { "or" term }
 *   term   := factor { "and" factor }
 *   factor := "not" factor | "(" expr ")" | clause
 *   clause := ("actor"|"partner") ("is"|"has"|"lacks") STATE
 *           | "A:"STATE | "P:"STATE
 *           | "rx" "is" RXSTATE | "mux" "is" MUXSTATE | "selected" "is" SEL
 *           | "received" | "after" MS
 *
 * Words are separated by white space; parentheses are words of their own
 * even when written against another word. Keywords are lower case; state
 * and machine state names are case-insensitive.
 *
 * lacpd's --inject rules ("A:ATG|P:AT -> A:AT") compile to the same form:
 * exact matches joined by and, or no node at all for an empty condition,
 * which holds always.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules.h"
#include "sm.h"
#include "state.h"

#define MAX_WORDS 512
#define MAX_NODES 256
#define MAX_DEPTH 64

enum op {
	OP_ACTOR_IS, OP_ACTOR_HAS, OP_ACTOR_LACKS,
	OP_PARTNER_IS, OP_PARTNER_HAS, OP_PARTNER_LACKS,
	OP_RX_IS, OP_MUX_IS, OP_SELECTED_IS,
	OP_RECEIVED, OP_AFTER,
	OP_AND, OP_OR, OP_NOT,
};

struct node {
	enum op op;
	int arg;          /* state octet or machine state */
	lacp_time_t time; /* OP_AFTER */
};

struct lacp_cond {
	unsigned n;
	bool uses_received;
	struct node nodes[];
};

struct word {
	const char *s;
	size_t len;
};

/* The compiler's state. */
struct parser {
	struct word words[MAX_WORDS];
	int n_words, pos, depth;
	struct node nodes[MAX_NODES];
	unsigned n_nodes;
	struct lacp_cond_error *err;
};

/* Splits TEXT into words; '(' and ')' always stand alone. */
static int split(struct parser *p, const char *text)
{
	const char *s = text;

	while (*s) {
		const char *start;

		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
			s++;
			continue;
		}
		if (p->n_words == MAX_WORDS)
			return -1;
		start = s;
		if (*s == '(' || *s == ')')
			s++;
		else
			while (*s && !strchr(" \t\n\r()", *s))
				s++;
		p->words[p->n_words].s = start;
		p->words[p->n_words].len = (size_t)(s - start);
		p->n_words++;
	}
	return 0;
}

static bool word_is(const struct word *w, const char *kw)
{
	return w->len == strlen(kw) && memcmp(w->s, kw, w->len) == 0;
}

static int fail(struct parser *p, int word, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct parser *p, int word, const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof p->err->message, fmt, ap);
	va_end(ap);
	p->err->word = word;
	p->err->kind = kind;
	return -EINVAL;
}

static int emit(struct parser *p, enum op op, int arg, lacp_time_t time)
{
	/* The term that does not fit is the one just read: name its last word
	 * (pos may already stand past the end of the condition). */
	if (p->n_nodes == MAX_NODES)
		return fail(p, p->pos > 0 ? p->pos - 1 : 0, "SYNTAX",
			    "condition too long (more than %d terms)", MAX_NODES);
	p->nodes[p->n_nodes].op = op;
	p->nodes[p->n_nodes].arg = arg;
	p->nodes[p->n_nodes].time = time;
	p->n_nodes++;
	return 0;
}

/* The words FIRST..LAST of the clause, for messages ("actor is QQ"). */
static void clause_text(const struct parser *p, int first, int last, char *buf, size_t cap)
{
	const char *start = p->words[first].s;
	const char *end = p->words[last].s + p->words[last].len;
	size_t n = (size_t)(end - start);

	if (n >= cap)
		n = cap - 1;
	memcpy(buf, start, n);
	buf[n] = '\0';
}

/* Parses the state at word W (STATE_TEXT/LEN inside it) of clause FIRST..W. */
static int parse_state(struct parser *p, int first, int w, const char *s, size_t len,
		       uint8_t *out)
{
	char clause[160];
	size_t bad;

	if (lacp_state_parse(s, len, out, &bad) == 0)
		return 0;
	clause_text(p, first, w, clause, sizeof clause);
	if (len > 0 && bad < len && !(s[0] >= '0' && s[0] <= '9'))
		return fail(p, w, "STATE", "unknown state letter \"%c\" in \"%s\"", s[bad],
			    clause);
	return fail(p, w, "STATE",
		    "bad state \"%.*s\" in \"%s\": expected letters of ATGSCDFE, N, 0x00..0xff or 0..255",
		    (int)len, s, clause);
}

/* Looks up the machine state name at word W for machine M. */
static int parse_machine_state(struct parser *p, int first, int w, enum lacp_machine m,
			       const char *what, int *out)
{
	char clause[160], names[256] = "";
	int i, n = lacp_machine_state_count(m);
	size_t used = 0;

	for (i = 0; i < n; i++) {
		const char *name = lacp_machine_state_name(m, i);

		if (strlen(name) == p->words[w].len &&
		    strncasecmp(name, p->words[w].s, p->words[w].len) == 0) {
			*out = i;
			return 0;
		}
		used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
					 i ? ", " : "", name);
		if (used >= sizeof names)
			used = sizeof names - 1;
	}
	clause_text(p, first, w, clause, sizeof clause);
	return fail(p, w, "NAME", "unknown %s \"%.*s\" in \"%s\": must be %s", what,
		    (int)p->words[w].len, p->words[w].s, clause, names);
}

/* Takes the next word, failing with "condition ends after ..." at the end. */
static int next_word(struct parser *p, int *w)
{
	if (p->pos >= p->n_words) {
		if (p->n_words == 0)
			return fail(p, 0, "SYNTAX", "empty condition");
		return fail(p, p->n_words - 1, "SYNTAX", "condition ends after \"%.*s\"",
			    (int)p->words[p->n_words - 1].len, p->words[p->n_words - 1].s);
	}
	*w = p->pos++;
	return 0;
}

static int parse_clause(struct parser *p)
{
	static const struct {
		const char *word;
		enum lacp_machine m;
		enum op op;
		const char *what;
	} machines[] = {
		{"rx", LACP_M_RX, OP_RX_IS, "rx state"},
		{"mux", LACP_M_MUX, OP_MUX_IS, "mux state"},
		{"selected", LACP_M_SELECTION, OP_SELECTED_IS, "selected value"},
	};
	int first, w, rc;
	uint8_t state;
	const struct word *fw;
	size_t i;

	if ((rc = next_word(p, &first)) != 0)
		return rc;
	fw = &p->words[first];
	if (fw->len >= 2 && (fw->s[0] == 'A' || fw->s[0] == 'P') && fw->s[1] == ':') {
		/* lacpd's exact match */
		if ((rc = parse_state(p, first, first, fw->s + 2, fw->len - 2, &state)) != 0)
			return rc;
		return emit(p, fw->s[0] == 'A' ? OP_ACTOR_IS : OP_PARTNER_IS, state, 0);
	}
	if (word_is(fw, "actor") || word_is(fw, "partner")) {
		enum op base = word_is(fw, "actor") ? OP_ACTOR_IS : OP_PARTNER_IS;
		int verb;

		if ((rc = next_word(p, &verb)) != 0)
			return rc;
		if (word_is(&p->words[verb], "is"))
			base += 0;
		else if (word_is(&p->words[verb], "has"))
			base += 1;
		else if (word_is(&p->words[verb], "lacks"))
			base += 2;
		else
			return fail(p, verb, "SYNTAX",
				    "expected is, has or lacks after \"%.*s\" but got \"%.*s\"",
				    (int)fw->len, fw->s, (int)p->words[verb].len,
				    p->words[verb].s);
		if ((rc = next_word(p, &w)) != 0)
			return rc;
		if ((rc = parse_state(p, first, w, p->words[w].s, p->words[w].len, &state)) != 0)
			return rc;
		return emit(p, base, state, 0);
	}
	for (i = 0; i < sizeof machines / sizeof machines[0]; i++) {
		int verb, value = 0;

		if (!word_is(fw, machines[i].word))
			continue;
		if ((rc = next_word(p, &verb)) != 0)
			return rc;
		if (!word_is(&p->words[verb], "is"))
			return fail(p, verb, "SYNTAX", "expected is after \"%s\" but got \"%.*s\"",
				    machines[i].word, (int)p->words[verb].len,
				    p->words[verb].s);
		if ((rc = next_word(p, &w)) != 0)
			return rc;
		rc = parse_machine_state(p, first, w, machines[i].m, machines[i].what, &value);
		if (rc != 0)
			return rc;
		return emit(p, machines[i].op, value, 0);
	}
	if (word_is(fw, "received")) {
		return emit(p, OP_RECEIVED, 0, 0);
	}
	if (word_is(fw, "after")) {
		char buf[32], *end;
		long long ms;

		if ((rc = next_word(p, &w)) != 0)
			return rc;
		snprintf(buf, sizeof buf, "%.*s", (int)p->words[w].len, p->words[w].s);
		errno = 0;
		ms = strtoll(buf, &end, 10);
		if (p->words[w].len == 0 || p->words[w].len >= sizeof buf || *end || errno ||
		    ms < 0 || ms > 1000LL * 1000 * 1000 * 1000)
			return fail(p, w, "SYNTAX",
				    "bad time \"%.*s\" in \"after %.*s\": expected milliseconds",
				    (int)p->words[w].len, p->words[w].s,
				    (int)p->words[w].len, p->words[w].s);
		return emit(p, OP_AFTER, 0, LACP_MS(ms));
	}
	return fail(p, first, "SYNTAX",
		    "unknown word \"%.*s\" in condition: expected actor, partner, A:STATE, "
		    "P:STATE, rx, mux, selected, received, after, not or (",
		    (int)fw->len, fw->s);
}

static int parse_expr(struct parser *p);

static int parse_factor(struct parser *p)
{
	int rc;

	if (p->pos < p->n_words && word_is(&p->words[p->pos], "not")) {
		p->pos++;
		if (++p->depth > MAX_DEPTH)
			return fail(p, p->pos - 1, "SYNTAX", "condition nested too deeply");
		if ((rc = parse_factor(p)) != 0)
			return rc;
		p->depth--;
		return emit(p, OP_NOT, 0, 0);
	}
	if (p->pos < p->n_words && word_is(&p->words[p->pos], "(")) {
		int open = p->pos++;

		if (++p->depth > MAX_DEPTH)
			return fail(p, open, "SYNTAX", "condition nested too deeply");
		if ((rc = parse_expr(p)) != 0)
			return rc;
		if (p->pos >= p->n_words || !word_is(&p->words[p->pos], ")"))
			return fail(p, open, "SYNTAX", "missing \")\" for the \"(\" at word %d",
				    open + 1);
		p->pos++;
		p->depth--;
		return 0;
	}
	return parse_clause(p);
}

static int parse_term(struct parser *p)
{
	int rc = parse_factor(p);

	while (rc == 0 && p->pos < p->n_words && word_is(&p->words[p->pos], "and")) {
		p->pos++;
		if ((rc = parse_factor(p)) == 0)
			rc = emit(p, OP_AND, 0, 0);
	}
	return rc;
}

static int parse_expr(struct parser *p)
{
	int rc = parse_term(p);

	while (rc == 0 && p->pos < p->n_words && word_is(&p->words[p->pos], "or")) {
		p->pos++;
		if ((rc = parse_term(p)) == 0)
			rc = emit(p, OP_OR, 0, 0);
	}
	return rc;
}

int lacp_cond_compile(const char *text, struct lacp_cond **out, struct lacp_cond_error *err)
{
	struct parser *p = calloc(1, sizeof *p);
	struct lacp_cond *c = NULL;
	int rc;
	unsigned i;

	if (p == NULL)
		return -ENOMEM;
	p->err = err;
	err->message[0] = '\0';
	err->word = -1;
	err->kind = "SYNTAX";
	if (split(p, text) != 0) {
		rc = fail(p, MAX_WORDS - 1, "SYNTAX", "condition too long (more than %d words)",
			  MAX_WORDS);
		goto out;
	}
	rc = parse_expr(p);
	if (rc == 0 && p->pos < p->n_words)
		rc = fail(p, p->pos, "SYNTAX", "unexpected \"%.*s\" after a complete condition",
			  (int)p->words[p->pos].len, p->words[p->pos].s);
	if (rc != 0)
		goto out;
	c = malloc(sizeof *c + p->n_nodes * sizeof c->nodes[0]);
	if (c == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	c->n = p->n_nodes;
	c->uses_received = false;
	memcpy(c->nodes, p->nodes, p->n_nodes * sizeof c->nodes[0]);
	for (i = 0; i < c->n; i++)
		if (c->nodes[i].op == OP_RECEIVED)
			c->uses_received = true;
	*out = c;
out:
	free(p);
	return rc;
}

void lacp_cond_free(struct lacp_cond *c)
{
	free(c);
}

bool lacp_cond_eval(const struct lacp_cond *c, const struct lacp_view *v)
{
	bool stack[MAX_NODES];
	unsigned i, sp = 0;

	if (c->n == 0)
		return true; /* lacpd's empty condition */
	for (i = 0; i < c->n; i++) {
		const struct node *n = &c->nodes[i];
		uint8_t s = n->arg;

		switch (n->op) {
		case OP_ACTOR_IS: stack[sp++] = v->actor_state == s; break;
		case OP_ACTOR_HAS: stack[sp++] = (v->actor_state & s) == s; break;
		case OP_ACTOR_LACKS: stack[sp++] = (v->actor_state & s) == 0; break;
		case OP_PARTNER_IS: stack[sp++] = v->partner_state == s; break;
		case OP_PARTNER_HAS: stack[sp++] = (v->partner_state & s) == s; break;
		case OP_PARTNER_LACKS: stack[sp++] = (v->partner_state & s) == 0; break;
		case OP_RX_IS: stack[sp++] = v->rx == n->arg; break;
		case OP_MUX_IS: stack[sp++] = v->mux == n->arg; break;
		case OP_SELECTED_IS: stack[sp++] = v->selected == n->arg; break;
		case OP_RECEIVED: stack[sp++] = v->received; break;
		case OP_AFTER: stack[sp++] = v->now - v->armed >= n->time; break;
		case OP_NOT: stack[sp - 1] = !stack[sp - 1]; break;
		case OP_AND: sp--; stack[sp - 1] = stack[sp - 1] && stack[sp]; break;
		case OP_OR: sp--; stack[sp - 1] = stack[sp - 1] || stack[sp]; break;
		}
	}
	return sp == 1 && stack[0];
}

lacp_time_t lacp_cond_next_time(const struct lacp_cond *c, lacp_time_t armed, lacp_time_t now)
{
	lacp_time_t next = LACP_TIME_NEVER;
	unsigned i;

	for (i = 0; i < c->n; i++) {
		lacp_time_t t;

		if (c->nodes[i].op != OP_AFTER)
			continue;
		t = armed + c->nodes[i].time;
		if (t > now && t < next)
			next = t;
	}
	return next;
}

bool lacp_cond_uses_received(const struct lacp_cond *c)
{
	return c->uses_received;
}

/* ---- lacpd's inject rules */

/* One "ROLE:STATE" part of an inject rule, trimmed. */
struct part {
	const char *s;
	size_t len;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static struct part trim(const char *s, size_t len)
{
	struct part p;

	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space(s[len - 1]))
		len--;
	p.s = s;
	p.len = len;
	return p;
}

static int inject_fail(struct lacp_cond_error *err, int word, const char *kind,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int inject_fail(struct lacp_cond_error *err, int word, const char *kind,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	err->word = word;
	err->kind = kind;
	return -EINVAL;
}

/*
 * Parses one side (LEN bytes at S) of the inject rule RULE: the actor
 * state into A (HAS_A set), the partner's into P (HAS_P set); PARTNER_FIRST,
 * when not NULL, tells whether P: came first. Parts are counted from *INDEX on, for error reports.
 */
static int inject_side(const char *s, size_t len, const char *rule, int *index,
		       bool *has_a, uint8_t *a, bool *has_p, uint8_t *p, bool *partner_first,
		       struct lacp_cond_error *err)
{
	const char *end = s + len;

	if (trim(s, len).len == 0)
		return 0;
	for (;;) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		struct part pt = trim(s, (size_t)((bar ? bar : end) - s));
		struct part role, state;
		const char *colon = memchr(pt.s, ':', pt.len);
		uint8_t v;
		size_t bad;

		if (pt.len == 0)
			return inject_fail(err, *index, "SYNTAX",
					   "empty part between \"|\" in inject rule \"%s\"", rule);
		if (colon == NULL)
			return inject_fail(err, *index, "SYNTAX",
					   "expected A:STATE or P:STATE but got \"%.*s\" in inject rule \"%s\"",
					   (int)pt.len, pt.s, rule);
		role = trim(pt.s, (size_t)(colon - pt.s));
		state = trim(colon + 1, (size_t)(pt.s + pt.len - colon - 1));
		if (role.len != 1 || strchr("AaPp", role.s[0]) == NULL)
			return inject_fail(err, *index, "SYNTAX",
					   "unknown role \"%.*s\" in \"%.*s\": expected A (actor) or P (partner)",
					   (int)role.len, role.s, (int)pt.len, pt.s);
		if (lacp_state_parse(state.s, state.len, &v, &bad) != 0) {
			if (state.len > 0 && bad < state.len &&
			    !(state.s[0] >= '0' && state.s[0] <= '9'))
				return inject_fail(err, *index, "STATE",
						   "unknown state letter \"%c\" in \"%.*s\"",
						   state.s[bad], (int)pt.len, pt.s);
			return inject_fail(err, *index, "STATE",
					   "bad state \"%.*s\" in \"%.*s\": expected letters of ATGSCDFE, N, 0x00..0xff or 0..255",
					   (int)state.len, state.s, (int)pt.len, pt.s);
		}
		if (partner_first != NULL && !*has_a && !*has_p)
			*partner_first = role.s[0] == 'P' || role.s[0] == 'p';
		if (role.s[0] == 'A' || role.s[0] == 'a') {
			*has_a = true;
			*a = v;
		} else {
			*has_p = true;
			*p = v;
		}
		(*index)++;
		if (bar == NULL)
			return 0;
		s = bar + 1;
	}
}

int lacp_inject_parse(const char *text, struct lacp_inject *out, struct lacp_cond_error *err)
{
	const char *arrow = strstr(text, "->");
	bool has_a = false, has_p = false;
	uint8_t a = 0, p = 0;
	struct lacp_cond *c;
	int index = 0, rc;

	memset(out, 0, sizeof *out);
	err->message[0] = '\0';
	err->word = -1;
	err->kind = "SYNTAX";
	if (arrow == NULL)
		return inject_fail(err, -1, "SYNTAX",
				   "missing \"->\" in inject rule \"%s\": expected \"CONDITION -> TARGET\"",
				   text);
	if (strstr(arrow + 2, "->") != NULL)
		return inject_fail(err, -1, "SYNTAX", "more than one \"->\" in inject rule \"%s\"",
				   text);
	rc = inject_side(text, (size_t)(arrow - text), text, &index, &has_a, &a, &has_p, &p,
			 NULL, err);
	if (rc != 0)
		return rc;
	rc = inject_side(arrow + 2, strlen(arrow + 2), text, &index, &out->set_actor, &out->actor,
			 &out->set_partner, &out->partner, &out->partner_first, err);
	if (rc != 0)
		return rc;
	if (!out->set_actor && !out->set_partner)
		return inject_fail(err, -1, "SYNTAX", "no target after \"->\" in inject rule \"%s\"",
				   text);
	c = malloc(sizeof *c + 3 * sizeof c->nodes[0]);
	if (c == NULL)
		return -ENOMEM;
	c->n = 0;
	c->uses_received = false;
	if (has_a)
		c->nodes[c->n++] = (struct node){OP_ACTOR_IS, a, 0};
	if (has_p)
		c->nodes[c->n++] = (struct node){OP_PARTNER_IS, p, 0};
	if (has_a && has_p)
		c->nodes[c->n++] = (struct node){OP_AND, 0, 0};
	out->cond = c;
	out->match_actor = has_a;
	out->match_partner = has_p;
	out->actor_match = a;
	out->partner_match = p;
	return 0;
}
