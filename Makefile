# edgeprobe: watches Lync / Skype for Business Edge certificates.

PREFIX	?= /usr/local
DESTDIR	?=
SBINDIR	 = $(PREFIX)/sbin
MANDIR	 = $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system

CC	?= cc
PKG_CONFIG ?= pkg-config
PKGS	 = openssl libevent libevent_openssl libconfig jansson libsystemd libcares libpsl
TESTPKGS = cmocka

CFLAGS	?= -O2 -g
WARNINGS = -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
	   -Wshadow -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2
ALLCFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	   $(WARNINGS) $(CFLAGS) -Iinclude -MMD -MP \
	   $(shell $(PKG_CONFIG) --cflags $(PKGS))
LIBS	 = $(shell $(PKG_CONFIG) --libs $(PKGS))

# make SANITIZE=1 ...: everything under ASan + UBSan, in its own tree.
ifeq ($(SANITIZE),1)
BUILD	 = build/san
ALLCFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	   -fno-sanitize-recover=all
LDSAN	 = -fsanitize=address,undefined
else
BUILD	 = build
endif

# The program, one concern per file (see README.md "Layout").
SRCS	 = src/log.c src/xmalloc.c src/finding.c src/chain.c src/policy.c \
	   src/policy_eval.c src/policy_trust.c src/policy_names.c \
	   src/policy_dates.c src/policy_eku.c src/policy_crypto.c \
	   src/policy_pool.c src/policy_ocsp.c src/conform.c src/conform_names.c \
	   src/result.c src/conf.c src/conf_err.c src/conf_keys.c \
	   src/conf_target.c src/conf_arena.c src/conf_syntax.c src/conf_file.c \
	   src/tlsctx.c src/probe.c src/probe_dns.c \
	   src/probe_session.c src/probe_tls.c src/probe_bio.c src/probe_srv.c \
	   src/probe_sip.c src/discover.c src/srv.c src/sip.c src/sip_request.c \
	   src/certfile.c src/report.c src/plugin.c src/args.c \
	   src/logfmt.c src/check.c src/vcache.c src/once.c src/daemon_sched.c \
	   src/daemon_round.c \
	   src/daemon_state.c src/daemon_reload.c src/sdnotify.c src/metrics.c \
	   src/probe_http.c src/daemon.c
MAIN	 = src/main.c
OBJS	 = $(SRCS:src/%.c=$(BUILD)/obj/%.o)
LIB	 = $(BUILD)/libedgeprobe.a
PROG	 = $(BUILD)/edgeprobe

# Test support: certificate minting and loopback servers.
TLSRCS	 = tests/lib/mint.c tests/lib/tlsserver.c tests/lib/enginetest.c \
	   tests/lib/mintfiles.c tests/lib/mintocsp.c tests/lib/runbin.c
TLOBJS	 = $(TLSRCS:tests/lib/%.c=$(BUILD)/tobj/%.o)
TLIB	 = $(BUILD)/libtest.a
FIXTURE	 = $(BUILD)/tests/epfixture
SYSLOGCAP = $(BUILD)/tests/syslogcap

UNITS	 = $(wildcard tests/unit/test_*.c)
UNITBINS = $(UNITS:tests/unit/%.c=$(BUILD)/tests/%)

all: $(PROG)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(LIB): $(OBJS)
	@rm -f $@
	ar rcs $@ $(OBJS)

$(PROG): $(BUILD)/obj/main.o $(LIB)
	$(CC) $(LDFLAGS) $(LDSAN) -o $@ $(BUILD)/obj/main.o $(LIB) $(LIBS)

$(BUILD)/tobj/%.o: tests/lib/%.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Itests/lib -c -o $@ $<

$(TLIB): $(TLOBJS)
	@rm -f $@
	ar rcs $@ $(TLOBJS)

$(FIXTURE): tests/lib/epfixture.c $(TLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Itests/lib $(LDFLAGS) $(LDSAN) -o $@ $< $(TLIB) $(LIB) $(LIBS) -lpthread

$(SYSLOGCAP): tests/lib/syslogcap.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) $(LDSAN) -o $@ $<

# A unit test links only what it uses out of the library.
$(BUILD)/tests/test_%: tests/unit/test_%.c $(TLIB) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Itests/lib $(shell $(PKG_CONFIG) --cflags $(TESTPKGS)) \
	    $(LDFLAGS) $(LDSAN) -o $@ $< $(TLIB) $(LIB) $(LIBS) \
	    $(shell $(PKG_CONFIG) --libs $(TESTPKGS)) -lpthread

tests: $(PROG) $(FIXTURE) $(SYSLOGCAP) $(UNITBINS)

# libFuzzer targets (clang): each links the modules it exercises, under
# ASan + UBSan. `make fuzz-run` runs each for FUZZ_SECONDS on its corpus.
FUZZCC	 = clang
FUZZFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Itests/lib \
	   -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	   $(shell $(PKG_CONFIG) --cflags $(PKGS))
FUZZ_SECONDS ?= 60
FUZZERS	 = build/fuzz/fuzz_policy build/fuzz/fuzz_conf build/fuzz/fuzz_sip
FUZZ_POLICY_SRCS = tests/fuzz/fuzz_policy.c src/chain.c src/policy.c \
	   src/policy_eval.c src/policy_trust.c src/policy_names.c \
	   src/policy_dates.c src/policy_eku.c src/policy_crypto.c \
	   src/policy_pool.c src/policy_ocsp.c src/conform.c src/conform_names.c \
	   src/finding.c src/result.c src/xmalloc.c src/log.c tests/lib/mint.c
FUZZ_CONF_SRCS = tests/fuzz/fuzz_conf.c src/conf.c src/conf_err.c \
	   src/conf_keys.c src/conf_target.c src/conf_arena.c \
	   src/conf_syntax.c src/conf_file.c src/tlsctx.c src/xmalloc.c src/log.c
FUZZ_SIP_SRCS = tests/fuzz/fuzz_sip.c src/sip.c src/sip_request.c src/srv.c src/xmalloc.c src/log.c

build/fuzz/fuzz_policy: $(FUZZ_POLICY_SRCS)
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) -o $@ $(FUZZ_POLICY_SRCS) $(LIBS)

build/fuzz/fuzz_conf: $(FUZZ_CONF_SRCS)
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) -o $@ $(FUZZ_CONF_SRCS) $(LIBS)

build/fuzz/fuzz_sip: $(FUZZ_SIP_SRCS) include/sip.h include/srv.h
	@mkdir -p $(@D)
	$(FUZZCC) $(FUZZFLAGS) -o $@ $(FUZZ_SIP_SRCS) $(LIBS)

fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZERS)

fuzz-run: fuzz
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

# Static analysis of the program, zero warnings: tests/lint/cppcheck.supp and
# .clang-tidy say what is off and why.
lint: deps
	cppcheck --enable=warning,style,performance,portability --std=c11 \
	    --inline-suppr --suppressions-list=tests/lint/cppcheck.supp \
	    -Iinclude --include=/usr/include/x86_64-linux-gnu/sys/queue.h \
	    -D_DEFAULT_SOURCE --quiet --error-exitcode=1 src/
	clang-tidy --quiet $(SRCS) $(MAIN) -- -std=c11 -D_DEFAULT_SOURCE \
	    -D_POSIX_C_SOURCE=200809L -Iinclude \
	    $(shell $(PKG_CONFIG) --cflags $(PKGS))
	@echo "lint: cppcheck and clang-tidy are silent"

# `make deps` installs the Debian packages when they are missing.
deps:
	@sh tests/deps.sh

check: deps
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory $(PROG) $(FIXTURE)
	@BUILD=$(BUILD) sh tests/demo.sh

install: $(PROG)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(SYSCONFDIR)/edgeprobe \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(PROG) $(DESTDIR)$(SBINDIR)/edgeprobe
	@# An operator's configuration is never overwritten.
	[ -f $(DESTDIR)$(SYSCONFDIR)/edgeprobe/edgeprobe.conf ] || \
	    install -m 644 conf/edgeprobe.conf $(DESTDIR)$(SYSCONFDIR)/edgeprobe/edgeprobe.conf
	sed -e 's|/usr/local/sbin/edgeprobe|$(SBINDIR)/edgeprobe|' \
	    -e 's|/etc/edgeprobe/|$(SYSCONFDIR)/edgeprobe/|' \
	    systemd/edgeprobe.service >$(DESTDIR)$(UNITDIR)/edgeprobe.service
	chmod 644 $(DESTDIR)$(UNITDIR)/edgeprobe.service
	install -m 644 man/edgeprobe.8 $(DESTDIR)$(MANDIR)/man8/edgeprobe.8
	install -m 644 man/edgeprobe.conf.5 $(DESTDIR)$(MANDIR)/man5/edgeprobe.conf.5

clean:
	rm -rf build

.PHONY: all tests deps check demo install clean fuzz fuzz-run lint

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tobj/*.d $(BUILD)/tests/*.d)

# ---- Benchmark (issue 6): tests/bench/ ------------------------------------
# `make bench` mints two PKIs, serves BENCH_N (default 1000) full-handshake
# TLS endpoints per key type from Debian's nginx on loopback, runs
# `edgeprobe --once` over them and prints a table (tests/bench/bench.sh),
# then alternates edgeprobe and Debian's prometheus-blackbox-exporter over
# the same endpoints and prints their CPU per probe side by side (issue 12).
# `make bench-scale` loads SCALE_N (default 100000) targets in the daemon.
BENCHPKI = $(BUILD)/bench/benchpki
BENCHCOST = $(BUILD)/bench/benchcost

$(BENCHPKI): tests/bench/benchpki.c $(TLIB)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Itests/lib $(LDFLAGS) $(LDSAN) -o $@ $< $(TLIB) $(LIBS)

$(BENCHCOST): tests/bench/benchcost.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) $(LDSAN) -o $@ $< $(LIBS)

bench: deps
	@sh tests/bench/deps.sh
	@$(MAKE) --no-print-directory $(PROG) $(BENCHPKI) $(BENCHCOST) $(FIXTURE)
	@BUILD=$(BUILD) sh tests/bench/bench.sh

bench-scale: deps
	@$(MAKE) --no-print-directory $(PROG)
	@BUILD=$(BUILD) sh tests/bench/scale.sh

.PHONY: bench bench-scale
# ---- end of the benchmark block -------------------------------------------
