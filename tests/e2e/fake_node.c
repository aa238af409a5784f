/*
 * px-fake-node — something that is not a paxta node, for the client's
 * tests: it answers every request from a folder of files the test wrote,
 * so a test can serve garbage, broken statuses, forged proofs.
 *
 *   px-fake-node DIR     listen on 127.0.0.1 and a port the kernel picks,
 *                        print "port N", answer one connection at a time
 *
 * The request's path and query, without the leading '/' and with every
 * other '/' made '_', name the file: GET /bad/v1/lots/A-1 reads
 * DIR/bad_v1_lots_A-1. A file that begins "HTTP/" is sent as it is (status
 * line, headers, body); an empty file closes the connection unanswered;
 * any other file is the body of a 200 application/json answer. A path
 * whose first segment is "huge" is answered with JSON that never ends. No
 * file: 404, text/plain. Every connection is closed after its answer.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEAD_MAX 65536

static void
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void
answer(int fd, const char *dir, const char *target)
{
	char name[1024], path[2048], head[256];
	static char body[1 << 20];
	size_t len = 0;
	FILE *f;

	snprintf(name, sizeof(name), "%s", target + (*target == '/'));
	if (strncmp(name, "huge/", 5) == 0) {
		static const char open[] = "HTTP/1.1 200 OK\r\nContent-Type: "
					   "application/json\r\nConnection: "
					   "close\r\n\r\n[";

		send_all(fd, open, sizeof(open) - 1);
		memset(body, ' ', sizeof(body));
		for (int i = 0; i < 1024; i++) /* 1 GiB, or until cut off */
			send_all(fd, body, sizeof(body));
		return;
	}
	for (char *c = name; *c; c++)
		if (*c == '/')
			*c = '_';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (strstr(name, "..") || !(f = fopen(path, "rb"))) {
		static const char none[] = "HTTP/1.1 404 Not Found\r\n"
					   "Content-Type: text/plain\r\n"
					   "Content-Length: 13\r\nConnection: "
					   "close\r\n\r\nno such file\n";

		send_all(fd, none, sizeof(none) - 1);
		return;
	}
	len = fread(body, 1, sizeof(body), f);
	fclose(f);
	if (len == 0)
		return; /* closed unanswered */
	if (len >= 5 && memcmp(body, "HTTP/", 5) == 0) {
		send_all(fd, body, len);
		return;
	}
	snprintf(head, sizeof(head),
		 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		 len);
	send_all(fd, head, strlen(head));
	send_all(fd, body, len);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in addr = { 0 };
	socklen_t alen = sizeof(addr);
	int lfd, one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: px-fake-node DIR\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(lfd, 16) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen)) {
		perror("px-fake-node");
		return 2;
	}
	printf("port %u\n", ntohs(addr.sin_port));
	fflush(stdout);
	for (;;) {
		static char head[HEAD_MAX + 1];
		char method[16], target[1024];
		size_t got = 0;
		long body = 0;
		char *end = NULL, *cl;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			continue;
		/* The request head, then its body (read and dropped). */
		while (got < HEAD_MAX && !end) {
			ssize_t n = read(fd, head + got, HEAD_MAX - got);

			if (n <= 0)
				break;
			got += (size_t)n;
			head[got] = '\0';
			end = strstr(head, "\r\n\r\n");
		}
		if (end && sscanf(head, "%15s %1023s", method, target) == 2) {
			if ((cl = strcasestr(head, "\r\nContent-Length:")))
				body = strtol(cl + 17, NULL, 10);
			body -= (long)(head + got - (end + 4));
			while (body > 0) {
				char drop[65536];
				ssize_t n = read(fd, drop,
						 body < (long)sizeof(drop)
							 ? (size_t)body
							 : sizeof(drop));

				if (n <= 0)
					break;
				body -= n;
			}
			answer(fd, argv[1], target);
		}
		shutdown(fd, SHUT_WR);
		close(fd);
	}
}
