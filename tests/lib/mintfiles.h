/*
 * mintfiles.h: a test PKI written to files, for peers that are not ours
 * (Kamailio, openssl s_client) and for edgeprobe's client certificate
 * options. Nothing is committed: the files are minted when a test runs.
 */
#ifndef EDGEPROBE_TEST_MINTFILES_H
#define EDGEPROBE_TEST_MINTFILES_H

/*
 * Mint the PKI and write it into dir (created when missing); keys are
 * mode 0600. 0 on success; -1 with a message on stderr otherwise.
 */
int	 mintfiles_write(const char *dir);

#endif
