/* SPDX-License-Identifier: MIT */
#include "mhd.h"

#include <pthread.h>
#include <stdio.h>

#include "dynlib.h"

struct wf_mhd wf_mhd;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool loaded;
static char load_error[256];

static void
load(void)
{
	const struct wf_dynlib_symbol symbols[] = {
		{ "MHD_start_daemon", (void **)&wf_mhd.start_daemon },
		{ "MHD_stop_daemon", (void **)&wf_mhd.stop_daemon },
		{ "MHD_quiesce_daemon", (void **)&wf_mhd.quiesce_daemon },
		{ "MHD_create_response_from_buffer",
		  (void **)&wf_mhd.create_response_from_buffer },
		{ "MHD_create_response_from_buffer_with_free_callback_cls",
		  (void **)&wf_mhd.create_response_from_buffer_with_free_callback_cls },
		{ "MHD_add_response_header", (void **)&wf_mhd.add_response_header },
		{ "MHD_destroy_response", (void **)&wf_mhd.destroy_response },
		{ "MHD_queue_response", (void **)&wf_mhd.queue_response },
		{ "MHD_lookup_connection_value",
		  (void **)&wf_mhd.lookup_connection_value },
		{ "MHD_get_connection_values_n",
		  (void **)&wf_mhd.get_connection_values_n },
		{ "MHD_get_connection_info", (void **)&wf_mhd.get_connection_info },
		{ "MHD_get_version", (void **)&wf_mhd.get_version },
	};
	loaded = wf_dynlib_open("libmicrohttpd.so.12", symbols,
				sizeof(symbols) / sizeof(symbols[0]),
				load_error, sizeof(load_error));
}

bool
wf_mhd_open(char *why, size_t why_size)
{
	pthread_once(&once, load);
	if (!loaded && why) {
		snprintf(why, why_size, "%s", load_error);
	}
	return loaded;
}
