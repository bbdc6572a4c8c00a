/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_MHD_H
#define WIREFEED_MHD_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

/*
 * libmicrohttpd, opened when a server first starts rather than linked
 * (dynlib.h: why). Call the library as wf_mhd.start_daemon(...) etc.,
 * only after wf_mhd_open() returned true.
 */
struct wf_mhd {
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_quiesce_daemon) quiesce_daemon;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_create_response_from_buffer_with_free_callback_cls)
		create_response_from_buffer_with_free_callback_cls;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_destroy_response) destroy_response;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_get_connection_values_n) get_connection_values_n;
	__typeof__(&MHD_get_connection_info) get_connection_info;
	__typeof__(&MHD_get_version) get_version;
};

extern struct wf_mhd wf_mhd;

/** Load libmicrohttpd once (thread-safe); false with @why filled (the
 * loader's message) when it cannot be. */
bool
wf_mhd_open(char *why, size_t why_size);

#endif
