/* SPDX-License-Identifier: MIT */
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

bool
wf_dynlib_open(const char *soname, const struct wf_dynlib_symbol *symbols,
	       size_t n, char *why, size_t why_size)
{
	void *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		snprintf(why, why_size, "%s", dlerror());
		return false;
	}
	void *found[64];
	if (n > sizeof(found) / sizeof(found[0])) {
		snprintf(why, why_size, "%s: too many symbols", soname);
		dlclose(handle);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		dlerror();
		found[i] = dlsym(handle, symbols[i].name);
		if (!found[i]) {
			const char *e = dlerror();
			snprintf(why, why_size, "%s: %s", soname,
				 e ? e : "missing symbol");
			dlclose(handle);
			return false;
		}
	}
	for (size_t i = 0; i < n; i++) {
		*symbols[i].pointer = found[i];
	}
	/* kept open for the life of the process */
	return true;
}
