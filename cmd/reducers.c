/*
 * Running the reduce steps of a distributed analysis (core/analyze.h,
 * "Shuffle and reduce"): a command of the user's (a Slurm job array, GNU
 * parallel, ssh) or, without one, this machine's own child processes.
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

int
reducers_run(void *ctx, const char *work_dir, unsigned round, const unsigned *shards, size_t n, char *err,
	     size_t errlen)
{
	const struct reducers *r = ctx;
	char num[32];
	if (r->command) {
		/* the user's command, once for the round: the shards to run in DUMPTRACE_SHARDS */
		size_t len = 1;
		for (size_t i = 0; i < n; i++)
			len += 12;
		char *list = xcalloc(len, 1);
		for (size_t i = 0; i < n; i++)
			snprintf(list + strlen(list), len - strlen(list), "%s%u", i ? " " : "", shards[i]);
		snprintf(num, sizeof(num), "%u", round);
		pid_t pid = fork();
		if (pid == 0) {
			setenv("DUMPTRACE", self_path(), 1);
			setenv("DUMPTRACE_WORK", work_dir, 1);
			setenv("DUMPTRACE_ROUND", num, 1);
			setenv("DUMPTRACE_SHARDS", list, 1);
			execl("/bin/sh", "sh", "-c", r->command, (char *)NULL);
			_exit(127);
		}
		free(list);
		int st = pid < 0 ? 127 : wait_for(pid);
		if (st) {
			snprintf(err, errlen, "the reducers' command exited %d", st);
			return -1;
		}
		return 0;
	}
	/* here: up to r->parallel steps at once, each with its share of the memory */
	unsigned par = r->parallel ? r->parallel : 1;
	char mem[32];
	snprintf(mem, sizeof(mem), "%llu", (unsigned long long)(r->memory / par > (64u << 20) ? r->memory / par
											   : 64u << 20));
	snprintf(num, sizeof(num), "%u", round);
	pid_t *pids = xcalloc(par, sizeof(*pids));
	int failed = 0;
	size_t next = 0, running = 0;
	while (next < n || running) {
		while (next < n && running < par) {
			char shard[16];
			snprintf(shard, sizeof(shard), "%u", shards[next++]);
			pid_t pid = fork();
			if (pid == 0) {
				const char *argv[] = { self_path(), "reduce", "-q", "--work", work_dir, "--round", num,
						       "--shard", shard, "--memory", mem, "--threads", "1",
						       r->tmpdir ? "--tmpdir" : NULL, r->tmpdir, NULL };
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
	if (failed) {
		snprintf(err, errlen, "a reduce step failed");
		return -1;
	}
	return 0;
}
