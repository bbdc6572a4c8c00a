/* SPDX-License-Identifier: MIT */
#ifndef BLOCK_WRITER_H
#define BLOCK_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Streams the bytes of a new file into it in large aligned blocks, past
 * the page cache (O_DIRECT) where the filesystem allows it.
 *
 * For big files that are written once and fsynced at once (the archives
 * of a large wire: gigabytes in one build) the page cache buys nothing:
 * copying every byte into it costs more CPU than rendering the bytes, and
 * the data must reach the disk before the rename anyway. Where O_DIRECT
 * is refused (tmpfs, some network filesystems, a device with blocks over
 * 4 KiB) the same blocks go through ordinary write()s. The last block is
 * padded to the alignment and the file cut back to its length.
 *
 * The caller still owns @fd: fsync, close and rename it as usual.
 */
struct block_writer {
	int fd;
	bool direct;  /* O_DIRECT is on */
	char *block;  /* BLOCK_WRITER_SIZE bytes, aligned for O_DIRECT */
	size_t fill;  /* bytes waiting in block */
	off_t length; /* bytes put so far */
	int error;    /* first errno, 0: none */
};

#define BLOCK_WRITER_ALIGN 4096
#define BLOCK_WRITER_SIZE (256 * 1024)

/** Start on the empty file @fd (opened for writing at offset 0). */
void
block_writer_begin(struct block_writer *w, int fd);
/** Append @len bytes. Errors are sticky: see block_writer_end(). */
void
block_writer_put(struct block_writer *w, const void *data, size_t len);
/** Write what is left and give the file its exact length; 0 or the first
 * errno. Frees the block either way. */
int
block_writer_end(struct block_writer *w);

#endif
