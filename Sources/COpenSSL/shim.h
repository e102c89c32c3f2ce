#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
/* Function-like macros are not imported by Swift; wrap the ones we need. */
static inline int copenssl_ctx_set_min_proto_version(SSL_CTX *ctx, int v) {
    return (int)SSL_CTX_set_min_proto_version(ctx, v);
}
static inline int copenssl_ctx_set_max_proto_version(SSL_CTX *ctx, int v) {
    return (int)SSL_CTX_set_max_proto_version(ctx, v);
}
static inline long copenssl_ctx_set_options(SSL_CTX *ctx, long opts) {
    return (long)SSL_CTX_set_options(ctx, (uint64_t)opts);
}
static inline long copenssl_ctx_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }
static inline int copenssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
/* SSL_OP_* expand to SSL_OP_BIT(n) and are not imported; re-export the ones we use. */
static const uint64_t COPENSSL_OP_NO_RENEGOTIATION = SSL_OP_NO_RENEGOTIATION;
static const uint64_t COPENSSL_OP_NO_COMPRESSION = SSL_OP_NO_COMPRESSION;
static const uint64_t COPENSSL_OP_CIPHER_SERVER_PREFERENCE = SSL_OP_CIPHER_SERVER_PREFERENCE;
static const uint64_t COPENSSL_OP_NO_TICKET = SSL_OP_NO_TICKET;
#endif
