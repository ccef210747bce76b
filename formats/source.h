/*
 * Byte sources: turn a path ("-" for standard input) into one or more
 * streams of UTF-8 text, each the contents of one input: the file itself,
 * the decompressed stream of a .gz/.bz2/.xz/.zst/.lz4 file, or each member
 * of a zip/7z/tar/rar archive (nested archives included, to a depth of 4).
 * Everything compressed goes through libarchive, streaming, never to disk;
 * a plain file is read with read() into one large reused window.
 *
 * Readers never call read(): they look at source_data(), ask for more with
 * source_fill() and give back what they are done with with source_consume(),
 * libarchive's read_ahead/consume discipline.
 */
#ifndef DT_SOURCE_H
#define DT_SOURCE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct source_opts {
	const char *encoding;	  /* forced charset, or NULL to detect */
	uint64_t max_member_size; /* decompressed bytes allowed per member */
	uint64_t max_ratio;	  /* decompressed:compressed ratio allowed */
	size_t max_window;	  /* the most a reader may hold at once */
	size_t chunk;		  /* testing: the most bytes one fill adds (0: no limit) */
	size_t bufsize;		  /* read size; the window starts at four times it */
	int binary;		  /* bytes as they are: no charset detection or conversion */
	const char *password;	  /* for encrypted zip and 7z archives, or NULL */
	/* when set and non-zero, a read that a signal interrupts ends the input */
	volatile sig_atomic_t *stop;
	/*
	 * Paths read from a descriptor instead, from its start each time, and
	 * named as given: dedup's unlinked copies of standard input ("-") and
	 * of pipes, which it reads twice.
	 */
	const struct source_alias *aliases;
	size_t naliases;
};

struct source_alias {
	const char *path;
	int fd;
};

/* Fills o with the defaults (256 GiB, 500:1, 64 MiB window, 1 MiB reads). */
void source_opts_init(struct source_opts *o);

struct input;
struct source;
struct format;

/*
 * Opens one path. On failure returns NULL and writes the reason (git
 * style: "cannot open 'x': No such file or directory") into err.
 */
struct input *input_open(const char *path, const struct source_opts *o, char *err, size_t errlen);

/*
 * Opens len bytes at data as if they were a file called name (fuzz targets
 * and tests); data must outlive the input.
 */
struct input *input_open_mem(const char *name, const void *data, size_t len,
			     const struct source_opts *o, char *err, size_t errlen);

/*
 * Yields the next stream of the input: DT_OK with *src set (valid until the
 * next call), DT_EOF after the last, or DT_FAILED with the reason in err
 * (a member or the rest of an archive could not be read; calling again
 * goes on with what can still be read, and gives DT_EOF when nothing can).
 */
int input_next(struct input *in, struct source **src, char *err, size_t errlen);

/* Number of streams yielded so far; 0 after an empty archive. */
unsigned input_count(const struct input *in);
void input_close(struct input *in);

/* What a source says about itself, for sniff and for the library. */
struct source_info {
	const char *name;	 /* "dump.csv", "a.zip:dir/dump.csv", "-" */
	const char *container;	 /* "file", "stdin", "zip", "tar", "7zip", ... */
	const char *compression; /* "gzip", "zstd", ..., or "" */
	const char *encoding;	 /* "utf-8", "utf-8-bom", "cp1251", ... */
	int encoding_guessed;	 /* detected rather than forced */
	int encoding_confident;
	uint64_t size;		 /* raw size when known, else 0 */
	uint64_t bytes_in;	 /* bytes read before decoding */
	uint64_t bytes_out;	 /* UTF-8 bytes produced so far */
	uint64_t bad_sequences;	 /* undecodable sequences (conversion only) */
	uint64_t first_bad;	 /* raw offset of the first of them */
	/* encoding "utf-8+cp1251": lines decoded from the code page so far */
	uint64_t page_lines;
};
void source_info(const struct source *s, struct source_info *out);

/*
 * The bytes buffered and not yet consumed; *len is set. The pointer stays
 * valid until the next source_fill() or source_consume().
 */
const char *source_data(const struct source *s, size_t *len);

/*
 * Appends more bytes to the data: returns the number added (> 0), 0 at the
 * end of the stream, or -1 on error (source_error() says which). A source
 * whose window holds max_window unconsumed bytes returns -2: the reader
 * must consume something (or give up the record) before asking again.
 */
ssize_t source_fill(struct source *s);

/* Drops the first n buffered bytes. */
void source_consume(struct source *s, size_t n);

/*
 * The file descriptor of a source that is a plain regular file read as it
 * is (no decompression, no conversion, nothing consumed yet), for callers
 * that read it in parallel with pread(); -1 otherwise.
 */
int source_plain_fd(const struct source *s);

/*
 * The binary format (format.h) the stream's raw bytes were identified as,
 * whose reader then reads it, its bytes as they are; NULL for text.
 */
const struct format *source_format(const struct source *s);

/*
 * For libraries that want a file (SQLite, FreeXL): the whole stream as a
 * regular file. A plain file not yet read from is used as it is (*temp
 * 0); anything else (a member, a decompressed stream, stdin) has the rest
 * of its bytes copied into a temporary file of at most max bytes. That
 * file is unlinked at once and named by its descriptor, /proc/self/fd/N,
 * which the source keeps open until it ends (*temp 0: nothing is left
 * behind whatever ends the process). With named set, or without /proc,
 * it keeps its name (*temp 1: the caller unlinks it, as soon as it has it
 * open): SQLite resolves links, and a deleted file's link leads nowhere.
 * Returns 0 with the path in path, or -1 with the reason in err. The
 * source is consumed either way.
 */
int source_spool(struct source *s, uint64_t max, int named, char *path, size_t pathlen, int *temp,
		 char *err, size_t errlen);

/* Decoded offset of the first buffered byte. */
uint64_t source_offset(const struct source *s);

/* The last error ("truncated gzip data", ...), or NULL. */
const char *source_error(const struct source *s);

#endif
