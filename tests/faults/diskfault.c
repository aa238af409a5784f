/*
 * libpx-diskfault: an LD_PRELOAD shim of our own that makes the disk fail
 * on demand, for tests/e2e/node_faults.sh.
 *
 * While the file named by $PX_FAULT_FILE holds "eio" or "enospc", every
 * fsync, fdatasync, msync, pwrite, pwrite64, pwritev and write to a
 * regular file fails with that errno (nothing is written); empty or
 * absent, calls pass through. Sockets, pipes and terminals are never
 * touched, so the node can still answer. Each injected failure adds one
 * byte to the file named by $PX_FAULT_COUNT, so a test can tell that the
 * fault was met.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* 0, EIO or ENOSPC: what the control file asks for now. */
static int
wanted_fault(void)
{
	const char *path = getenv("PX_FAULT_FILE");
	char buf[16] = "";
	int fd, saved = errno;
	long n;

	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		errno = saved;
		return 0;
	}
	n = syscall(SYS_read, fd, buf, sizeof(buf) - 1);
	close(fd);
	errno = saved;
	if (n <= 0)
		return 0;
	if (strncmp(buf, "eio", 3) == 0)
		return EIO;
	if (strncmp(buf, "enospc", 6) == 0)
		return ENOSPC;
	return 0;
}

static void
count_fault(void)
{
	const char *path = getenv("PX_FAULT_COUNT");
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		(void)syscall(SYS_write, fd, "x", 1);
		close(fd);
	}
}

/* The errno to fail a call on fd with, or 0 (fd < 0: a mapping). */
static int
fault_for(int fd)
{
	struct stat st;
	int saved = errno, e;

	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		errno = saved;
		return 0;
	}
	e = wanted_fault();
	if (e)
		count_fault();
	return e;
}

/* The next definition of name (libc's), as a function pointer: POSIX
 * dlsym gives an object pointer, copied bit for bit. */
#define NEXT(fp, name)                                \
	do {                                          \
		void *sym_ = dlsym(RTLD_NEXT, #name); \
		memcpy(&(fp), &sym_, sizeof(fp));     \
	} while (0)

int
fsync(int fd)
{
	__typeof__(&fsync) real;
	int e = fault_for(fd);

	if (e) {
		errno = e;
		return -1;
	}
	NEXT(real, fsync);
	return real(fd);
}

int
fdatasync(int fd)
{
	__typeof__(&fdatasync) real;
	int e = fault_for(fd);

	if (e) {
		errno = e;
		return -1;
	}
	NEXT(real, fdatasync);
	return real(fd);
}

int
msync(void *addr, size_t len, int flags)
{
	__typeof__(&msync) real;
	int e = fault_for(-1);

	if (e) {
		errno = e;
		return -1;
	}
	NEXT(real, msync);
	return real(addr, len, flags);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	__typeof__(&pwrite) real;
	int e = fault_for(fd);

	if (e) {
		errno = e;
		return -1;
	}
	NEXT(real, pwrite);
	return real(fd, buf, n, off);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	__typeof__(&pwrite64) real;
	int e = fault_for(fd);

	if (e) {
		errno = e;
		return -1;
	}
	NEXT(real, pwrite64);
	return real(fd, buf, n, off);
}

ssize_t
pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	__typeof__(&pwritev) real;
	int e = fault_for(fd);

	if (e) {
		errno = e;
		return -1;
	}
	NEXT(real, pwritev);
	return real(fd, iov, cnt, off);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	__typeof__(&write) real;
	int e = fault_for(fd);

	if (e) {
		errno = e;
		return -1;
	}
	NEXT(real, write);
	return real(fd, buf, n);
}
