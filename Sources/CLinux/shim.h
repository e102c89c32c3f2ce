#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H
/* Glibc's Swift module does not export these headers. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
/* accept4 is only declared under _GNU_SOURCE, which the Glibc module is not built with. */
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
static inline int clinux_accept4(int fd, int flags) { return accept4(fd, 0, 0, flags); }
#endif
