/* SPDX-License-Identifier: MIT */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

static log_sink_fn log_sink;
static void *log_userdata;
static enum log_level log_max = LOG_LEVEL_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void
log_set_sink(log_sink_fn sink, void *userdata)
{
	log_sink = sink;
	log_userdata = userdata;
}

void
log_set_level(enum log_level max_level)
{
	log_max = max_level;
}

static const char *
level_name(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_ERROR:
		return "error";
	case LOG_LEVEL_WARN:
		return "warning";
	case LOG_LEVEL_INFO:
		return "info";
	case LOG_LEVEL_DEBUG:
		return "debug";
	}
	return "?";
}

void
log_write(enum log_level level, const char *fmt, ...)
{
	if (level > log_max) {
		return;
	}
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&log_lock);
	if (log_sink) {
		log_sink(level, line, log_userdata);
	} else {
		fprintf(stderr, "wirefeed: %s: %s\n", level_name(level), line);
	}
	pthread_mutex_unlock(&log_lock);
}
