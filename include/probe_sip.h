/*
 * probe_sip.h: SIP OPTIONS after the handshake (engine-internal).
 *
 * One request written, one final answer read, inside the probe's one
 * deadline and its read budget; sip.c builds the request and parses the
 * answer. probe_session.c drives it from the probe's state machine.
 */
#ifndef EDGEPROBE_PROBE_SIP_H
#define EDGEPROBE_PROBE_SIP_H

struct probe;
struct probe_outcome;

/* What one step of the exchange needs next. */
enum probe_sip_step {
	PROBE_SIP_WANT_READ,
	PROBE_SIP_WANT_WRITE,
	PROBE_SIP_DONE,		/* an answer, or a reason why none came */
	PROBE_SIP_TLS_ERROR	/* the server aborted TLS (an alert) */
};

/* Build the request for p; 0, or -1 with p's SIP error set. */
int			 probe_sip_begin(struct probe *);
/*
 * Write, then read, as far as the socket allows. On PROBE_SIP_TLS_ERROR
 * *r and *e are SSL_read's/SSL_write's return and SSL_get_error().
 */
enum probe_sip_step	 probe_sip_step(struct probe *, int *r, int *e);
/* The deadline passed during the exchange: no answer in time. */
void			 probe_sip_timeout(struct probe *);
/* Copy the exchange's result into the outcome. */
void			 probe_sip_outcome(const struct probe *,
			    struct probe_outcome *);
/* Free p's SIP state. */
void			 probe_sip_free(struct probe *);

#endif
