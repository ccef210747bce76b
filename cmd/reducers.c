/*
 * Running the map and reduce steps of a distributed analysis
 * (core/analyze.h, "Map steps", "Shuffle and reduce"): a command of the
 * user's (a Slurm job array, GNU parallel, ssh) or, without one, this
 * machine's own child processes.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/xalloc.h"

/* This program's path, for the steps to run it again. */
static const char *
self_path(void)
{
	static char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return "dumptrace";
	buf[n] = '\0';
	return buf;
}

/* Waits for pid: its exit status, or 128 + the signal that ended it. */
static int
wait_for(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * The user's command, once: the steps to run listed in the environment
 * (list_var), with the round in DUMPTRACE_ROUND when there is one.
 */
static int
user_command(const char *command, const char *work_dir, const char *round, const char *list_var,
	     const unsigned *ids, size_t n, const char *what, char *err, size_t errlen)
{
	char *list = xcalloc(n * 12 + 1, 1);
	for (size_t i = 0; i < n; i++)
		snprintf(list + strlen(list), n * 12 + 1 - strlen(list), "%s%u", i ? " " : "", ids[i]);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("DUMPTRACE", self_path(), 1);
		setenv("DUMPTRACE_WORK", work_dir, 1);
		if (round)
			setenv("DUMPTRACE_ROUND", round, 1);
		setenv(list_var, list, 1);
		execl("/bin/sh", "sh", "-c", command, (char *)NULL);
		_exit(127);
	}
	free(list);
	int st = pid < 0 ? 127 : wait_for(pid);
	if (st) {
		snprintf(err, errlen, "the %s' command exited %d", what, st);
		return -1;
	}
	return 0;
}

/*
 * Here: up to r->parallel steps at once, each `argv0 ... --OPT ID` with
 * its share of the memory and of the threads (one each when there are
 * more steps than r->parallel).
 */
static int
children(const struct reducers *r, const char *const *argv0, size_t n0, const char *opt, const unsigned *ids,
	 size_t n, const char *what, char *err, size_t errlen)
{
	unsigned par = r->parallel ? r->parallel : 1;
	unsigned at_once = n < par ? (unsigned)n : par;
	char mem[32], threads[16];
	uint64_t each = r->memory / (at_once ? at_once : 1);
	snprintf(mem, sizeof(mem), "%llu", (unsigned long long)(each > (64u << 20) ? each : 64u << 20));
	snprintf(threads, sizeof(threads), "%u", r->share_threads && at_once ? par / at_once : 1);
	pid_t *pids = xcalloc(par, sizeof(*pids));
	const char **argv = xcalloc(n0 + 12, sizeof(*argv));
	memcpy(argv, argv0, n0 * sizeof(*argv));
	int failed = 0;
	size_t next = 0, running = 0;
	while (next < n || running) {
		while (next < n && running < par) {
			char id[16];
			snprintf(id, sizeof(id), "%u", ids[next++]);
			size_t k = n0;
			argv[k++] = opt;
			argv[k++] = id;
			argv[k++] = "--memory";
			argv[k++] = mem;
			argv[k++] = "--threads";
			argv[k++] = threads;
			if (r->tmpdir) {
				argv[k++] = "--tmpdir";
				argv[k++] = r->tmpdir;
			}
			argv[k] = NULL;
			pid_t pid = fork();
			if (pid == 0) {
				execv(argv[0], (char *const *)argv);
				_exit(127);
			}
			if (pid < 0) {
				failed = 1;
				continue;
			}
			for (unsigned i = 0; i < par; i++)
				if (!pids[i]) {
					pids[i] = pid;
					break;
				}
			running++;
		}
		if (!running)
			break;
		int st;
		pid_t done = wait(&st);
		if (done < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned i = 0; i < par; i++)
			if (pids[i] == done) {
				pids[i] = 0;
				running--;
				failed |= !WIFEXITED(st) || WEXITSTATUS(st) != 0;
			}
	}
	free(pids);
	free(argv);
	if (failed) {
		snprintf(err, errlen, "a %s step failed", what);
		return -1;
	}
	return 0;
}

int
reducers_run(void *ctx, const char *work_dir, unsigned round, const unsigned *shards, size_t n, char *err,
	     size_t errlen)
{
	const struct reducers *r = ctx;
	char num[32];
	snprintf(num, sizeof(num), "%u", round);
	if (r->command)
		return user_command(r->command, work_dir, num, "DUMPTRACE_SHARDS", shards, n, "reducers", err, errlen);
	const char *argv0[] = { self_path(), "reduce", "-q", "--work", work_dir, "--round", num };
	return children(r, argv0, sizeof(argv0) / sizeof(*argv0), "--shard", shards, n, "reduce", err, errlen);
}

int
mappers_run(void *ctx, const char *work_dir, const unsigned *splits, size_t n, char *err, size_t errlen)
{
	const struct reducers *r = ctx;
	if (r->command)
		return user_command(r->command, work_dir, NULL, "DUMPTRACE_SPLITS", splits, n, "mappers", err, errlen);
	const char *argv0[] = { self_path(), "map", "-q", "--work", work_dir };
	return children(r, argv0, sizeof(argv0) / sizeof(*argv0), "--split", splits, n, "map", err, errlen);
}
