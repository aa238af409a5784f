/*
 * px-slow-client: slow and greedy HTTP clients for tests/e2e/node_slow.sh,
 * on loopback only.
 *
 *   px-slow-client headers PORT N SECONDS INTERVAL SRC...
 *     N connections (spread over the source addresses SRC, e.g. 127.0.0.2)
 *     that send a request line, then one header line every INTERVAL
 *     seconds, never ending the headers, for at most SECONDS.
 *   px-slow-client noread PORT N SECONDS PATH SRC...
 *     N connections that send "GET PATH" and never read the answer, with
 *     a receive buffer of 4K, so the answer waits in the server rather
 *     than in the kernel.
 *
 * Prints one line: "opened O closed C max_open S status200 A status503 B"
 * (closed: by the server before SECONDS; max_open: the longest any
 * connection stayed open, in seconds; statuses: peeked as soon as they
 * came, never read). It ends once every connection is closed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 2000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
connect_from(const char *src, unsigned port, int rcvbuf)
{
	struct sockaddr_in from = { .sin_family = AF_INET },
			   to = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	/* before connect: the window offered is set by it */
	if (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf)) != 0) {
		close(fd);
		return -1;
	}
	if (inet_pton(AF_INET, src, &from.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0) {
		close(fd);
		return -1;
	}
	to.sin_port = htons((unsigned short)port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 1 when the server closed or reset fd (nothing read that was not). */
static int
closed_by_server(int fd, int peek_only)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };
	char buf[4096];
	ssize_t n;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLHUP | POLLERR))
		return 1;
	if (peek_only)
		return (p.revents & POLLRDHUP) != 0;
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/* The status of the answer waiting on fd (peeked, not read); 0 before
 * it came. */
static int
peek_status(int fd)
{
	char head[13] = "";

	if (recv(fd, head, 12, MSG_PEEK | MSG_DONTWAIT) != 12 ||
	    strncmp(head, "HTTP/1.", 7) != 0)
		return 0;
	return atoi(head + 9);
}

int
main(int argc, char **argv)
{
	static int fds[MAX_CONNS];
	static double opened_at[MAX_CONNS], closed_at[MAX_CONNS];
	static int status[MAX_CONNS];
	unsigned port;
	int n, headers, st200 = 0, st503 = 0, opened = 0, closed = 0;
	double seconds, interval = 0, start, next_line, max_open = 0;
	const char *path = "/";
	char line[512];

	if (argc < 7 ||
	    (strcmp(argv[1], "headers") && strcmp(argv[1], "noread"))) {
		fprintf(stderr, "usage: px-slow-client headers|noread PORT N "
				"SECONDS INTERVAL|PATH SRC...\n");
		return 2;
	}
	headers = strcmp(argv[1], "headers") == 0;
	port = (unsigned)atoi(argv[2]);
	n = atoi(argv[3]);
	seconds = atof(argv[4]);
	if (headers)
		interval = atof(argv[5]);
	else
		path = argv[5];
	if (n < 1 || n > MAX_CONNS || seconds <= 0 || seconds > 600)
		return 2;
	start = now_s();
	for (int i = 0; i < n; i++) {
		const char *src = argv[6 + i % (argc - 6)];

		fds[i] = connect_from(src, port, headers ? 0 : 4096);
		if (fds[i] < 0)
			continue;
		opened++;
		opened_at[i] = now_s();
		if (headers)
			snprintf(line, sizeof(line),
				 "GET /healthz HTTP/1.1\r\nHost: x\r\n");
		else
			snprintf(line, sizeof(line),
				 "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);
		if (send_all(fds[i], line) != 0)
			closed_at[i] = now_s();
	}
	next_line = start + interval;
	while (now_s() - start < seconds) {
		int open_left = 0;

		for (int i = 0; i < n; i++) {
			if (fds[i] < 0 || closed_at[i] > 0)
				continue;
			if (!headers && !status[i])
				status[i] = peek_status(fds[i]);
			if (closed_by_server(fds[i], !headers))
				closed_at[i] = now_s();
			else
				open_left++;
		}
		if (headers && now_s() >= next_line) {
			for (int i = 0; i < n; i++)
				if (fds[i] >= 0 && closed_at[i] == 0 &&
				    send_all(fds[i], "X-Slow: 1\r\n") != 0)
					closed_at[i] = now_s();
			next_line += interval;
		}
		if (!open_left)
			break;
		usleep(20000);
	}
	for (int i = 0; i < n; i++) {
		double until;

		if (fds[i] < 0)
			continue;
		if (!headers && !status[i])
			status[i] = peek_status(fds[i]);
		st200 += status[i] == 200;
		st503 += status[i] == 503;
		until = closed_at[i] > 0 ? closed_at[i] : now_s();
		if (closed_at[i] > 0)
			closed++;
		if (until - opened_at[i] > max_open)
			max_open = until - opened_at[i];
		close(fds[i]);
	}
	printf("opened %d closed %d max_open %.1f status200 %d status503 %d\n",
	       opened, closed, max_open, st200, st503);
	return 0;
}
