/* SPDX-License-Identifier: MIT */
#ifndef LOG_H
#define LOG_H

#include "wirefeed/status.h"

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/** A sink receives one formatted line (no trailing newline). */
typedef void (*log_sink_fn)(enum log_level level, const char *line,
			    void *userdata);

/** Swap the sink (NULL restores stderr); returns nothing. Not thread-safe. */
void
log_set_sink(log_sink_fn sink, void *userdata);
void
log_set_level(enum log_level max_level);
void
log_write(enum log_level level, const char *fmt, ...) WF_PRINTF(2, 3);

#define wf_log_error(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)
#define wf_log_warn(...) log_write(LOG_LEVEL_WARN, __VA_ARGS__)
#define wf_log_info(...) log_write(LOG_LEVEL_INFO, __VA_ARGS__)
#define wf_log_debug(...) log_write(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
