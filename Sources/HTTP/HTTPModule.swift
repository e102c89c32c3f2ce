/// Namespace for the HTTP/1.1 server (epoll event loops, OpenSSL TLS).
public enum HTTPModule {}
