/*
 * Unit tests for the writer lock (store.c): one writer, held by the
 * operating system.
 *
 * Issue 13: the lock was a flock on the file writer.lock; deleting that
 * file let a second writer in (it created and locked a new file). The
 * lock is now on the ledger folder itself.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "paxta/store.h"
#include "support.h"

/* 1 MiB of map is plenty for an empty store. */
#define MAP (1u << 20)

static void
open_ok(struct px_store **out, const char *dir, unsigned flags)
{
	int rc = px_store_open_sized(out, dir, flags, MAP);

	if (rc != PX_OK)
		fail_msg("opening '%s': %s", dir, px_strerror(rc));
}

static void
test_second_writer_refused(void **state)
{
	char *dir = pxt_tempdir(), *lock = NULL;
	struct px_store *a = NULL, *b = NULL, *ro = NULL;

	(void)state;
	open_ok(&a, dir, PX_STORE_CREATE);
	assert_int_equal(px_store_open_sized(&b, dir, 0, MAP), PX_ELOCKED);
	/* whatever is deleted from the folder, the lock holds */
	assert_true(asprintf(&lock, "%s/writer.lock", dir) > 0);
	unlink(lock);
	free(lock);
	assert_int_equal(px_store_open_sized(&b, dir, 0, MAP), PX_ELOCKED);
	/* readers need no lock */
	open_ok(&ro, dir, PX_STORE_READONLY);
	px_store_close(ro);
	px_store_close(a);
	open_ok(&b, dir, 0);
	px_store_close(b);
	pxt_rmtree(dir);
}

/* A writer that dies without closing leaves no lock behind. */
static void
test_lock_released_on_death(void **state)
{
	char *dir = pxt_tempdir();
	struct px_store *s = NULL;
	int pipefd[2], status = 0;
	char c = 0;
	pid_t pid;

	(void)state;
	open_ok(&s, dir, PX_STORE_CREATE);
	px_store_close(s);
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct px_store *child = NULL;

		close(pipefd[0]);
		c = px_store_open_sized(&child, dir, 0, MAP) == PX_OK ? 'y'
								      : 'n';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(2);
		pause(); /* killed with the lock held */
		_exit(0);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	assert_int_equal(c, 'y');
	assert_int_equal(px_store_open_sized(&s, dir, 0, MAP), PX_ELOCKED);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	open_ok(&s, dir, 0);
	px_store_close(s);
	pxt_rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_second_writer_refused),
		cmocka_unit_test(test_lock_released_on_death),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
