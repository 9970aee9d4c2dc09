/* A unit test's own folder for its databases: made under $TMPDIR (or /tmp)
 * before its tests, removed with everything in it after. */
#ifndef KOUAN_TESTS_UNIT_TEST_DIR_H
#define KOUAN_TESTS_UNIT_TEST_DIR_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#define TEST_DIR_RM_EXTRA 16	/* "rm -rf ''" and the terminator beside the folder's name */

/* dir (n bytes): a new folder named kouan-NAME-XXXXXX; 0, or -1 if it cannot be made. */
static inline int test_dir_make(char *dir, size_t n, const char *name)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, n, "%s/kouan-%s-XXXXXX", tmp ? tmp : "/tmp", name);
	return mkdtemp(dir) == NULL ? -1 : 0;
}

/* dir and everything in it removed; 0, or 1 if that failed (a failure to count). */
static inline int test_dir_remove(const char *dir)
{
	char cmd[PATH_MAX + TEST_DIR_RM_EXTRA];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) != 0;
}

#endif
