/*
 * version.h: the program's version, for --version, SIP's User-Agent and
 * the metrics' build_info.
 */
#ifndef EDGEPROBE_VERSION_H
#define EDGEPROBE_VERSION_H

#define EDGEPROBE_VERSION	"0.2.0"

#endif
