/*
 * version.h: the program's version, for --version and the metrics'
 * edgeprobe_build_info.
 */
#ifndef EDGEPROBE_VERSION_H
#define EDGEPROBE_VERSION_H

#define EDGEPROBE_VERSION	"0.1.0"

#endif
