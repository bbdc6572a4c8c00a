/* SPDX-License-Identifier: MIT */
#ifndef WIREFEED_FUZZ_H
#define WIREFEED_FUZZ_H

/*
 * The libFuzzer entry points every target in fuzz/ defines. Built with
 * -fsanitize=fuzzer they are driven by libFuzzer; built with replay.c they
 * are driven by a plain main() that replays files (the fuzz-replay tests).
 * See docs/fuzzing.md.
 */

#include <stddef.h>
#include <stdint.h>

int
LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Shared by the targets: xmlInitParser() once, libxml2's generic error
 * output silenced (the library collects its own diagnostics). */
void
fuzz_init_libxml2(void);

/* A broken invariant: report it and abort, so libFuzzer saves the input. */
#define FUZZ_ASSERT(cond)                                                   \
	do {                                                                \
		if (!(cond)) {                                              \
			fuzz_fail(__FILE__, __LINE__, #cond);               \
		}                                                           \
	} while (0)

_Noreturn void
fuzz_fail(const char *file, int line, const char *what);

#endif
