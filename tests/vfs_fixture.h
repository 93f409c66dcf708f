/*
 * An SQLite VFS over the default one for the store's tests: every file
 * opened after vfs_fixture_register() runs through a copy of its method
 * table that the caller patched (a write that fails as on a full disk, a
 * sync that is counted), and the patched method reaches the real one
 * through vfs_fixture_real().
 */
#ifndef VFS_FIXTURE_H
#define VFS_FIXTURE_H

#include <sqlite3.h>

void vfs_fixture_register(
    const char *name, void (*patch)(sqlite3_io_methods *));
const sqlite3_io_methods *vfs_fixture_real(const sqlite3_file *f);

#endif
