/*
 * tlsserver.c: placeholder until the loopback servers land.
 */
#include <stddef.h>

#include "tlsserver.h"

/* Not yet implemented. */
struct tlsserver *
tlsserver_start(const struct tlsserver_spec *spec)
{
	(void)spec;
	return NULL;
}

/* Not yet implemented. */
int
tlsserver_port(const struct tlsserver *ts)
{
	(void)ts;
	return -1;
}

/* Not yet implemented. */
int
tlsserver_accepted(const struct tlsserver *ts)
{
	(void)ts;
	return 0;
}

/* Not yet implemented. */
void
tlsserver_stop(struct tlsserver *ts)
{
	(void)ts;
}

/* Not yet implemented. */
int
tlsserver_closed_port(const char *bind)
{
	(void)bind;
	return -1;
}
