/*
 * The wrapping VFS of vfs_fixture.h: the default VFS opens each file, whose
 * method table is swapped for a patched copy (one copy per distinct table:
 * the database's, the journals').
 */
#include <stdlib.h>

#include "vfs_fixture.h"

/* The default VFS's method tables (the database's, the journals'). */
#define NIO 4

static sqlite3_vfs *real_vfs;
static sqlite3_vfs wrap_vfs;
static const sqlite3_io_methods *real_io[NIO];
static sqlite3_io_methods wrap_io[NIO];
static void (*wrap_patch)(sqlite3_io_methods *);

/* Open through the default VFS, then give the file the patched table. */
static int
wrap_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
    int *out)
{
	size_t i;
	int rc;

	(void)vfs;
	rc = real_vfs->xOpen(real_vfs, name, f, flags, out);
	if (rc != SQLITE_OK || f->pMethods == NULL)
		return rc;
	for (i = 0; i < NIO && real_io[i] != NULL; i++)
		if (real_io[i] == f->pMethods)
			break;
	if (i == NIO)
		abort(); /* more tables than NIO */
	if (real_io[i] == NULL) {
		real_io[i] = f->pMethods;
		wrap_io[i] = *f->pMethods;
		wrap_patch(&wrap_io[i]);
	}
	f->pMethods = &wrap_io[i];
	return rc;
}

/* Make the wrapping VFS the default one (before any test runs). */
void
vfs_fixture_register(const char *name, void (*patch)(sqlite3_io_methods *))
{
	real_vfs = sqlite3_vfs_find(NULL);
	wrap_vfs = *real_vfs;
	wrap_vfs.zName = name;
	wrap_vfs.xOpen = wrap_open;
	wrap_patch = patch;
	if (sqlite3_vfs_register(&wrap_vfs, 1) != SQLITE_OK)
		abort();
}

/* The default VFS's method table of a file opened through the wrapper. */
const sqlite3_io_methods *
vfs_fixture_real(const sqlite3_file *f)
{
	return real_io[f->pMethods - wrap_io];
}
