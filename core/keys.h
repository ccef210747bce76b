/*
 * A library's key: 256 random bits, made with the library and kept
 * outside it, so that a copy of the library (sent, published, seized)
 * shares nothing that can be tested: its fingerprints are a keyed PRF of
 * the values (core/fp.h).
 *
 * Where: the key directory, $DUMPTRACE_KEY_DIR, else
 * $XDG_CONFIG_HOME/dumptrace/keys, else ~/.config/dumptrace/keys (mode
 * 0700), one file per library named by the library's random id
 * (<id>.key, mode 0600). A key file, there or given with --key-file, is
 * the line
 *
 *   dumptrace-key-1 <64 hex digits>
 *
 * (what `dumptrace key export` and `key new` write), or at least 32 bytes
 * of random binary material (hashed to the key). Text, short files and
 * files of few distinct bytes are refused: a passphrase can be guessed,
 * and a guessed key would open every fingerprint.
 */
#ifndef DT_KEYS_H
#define DT_KEYS_H

#include <stddef.h>

#include "core/fp.h"

#define KEY_FILE_MAGIC "dumptrace-key-1"

/* The key directory (not created). 0, or -1 (err: no HOME). */
int keys_dir(char *out, size_t n, char *err, size_t errlen);

/* The path of the key of the library with id lib_id in the key directory. */
int keys_path(const char *lib_id, char *out, size_t n, char *err, size_t errlen);

/* A fresh random key. */
void key_new(unsigned char key[FP_KEY_SIZE]);

/* n random bytes (a library's id). */
void key_random(unsigned char *b, size_t n);

/* The key in file path (either form above). 0, 1 when there is no such file, or -1 (err). */
int key_read(const char *path, unsigned char key[FP_KEY_SIZE], char *err, size_t errlen);

/*
 * Writes the key to path in the text form, mode 0600, creating the key
 * directory's parents (0700) when mkdirs. Never replaces another file
 * (an existing file with this same key is fine). 0, or -1 (err).
 */
int key_write(const char *path, const unsigned char key[FP_KEY_SIZE], int mkdirs, char *err,
	      size_t errlen);

/* The check a library keeps of its key: 32 hex digits that tell the right key from another. */
void key_check(const unsigned char key[FP_KEY_SIZE], const char *lib_id, char out[33]);

#endif
