import CCurl
import Glibc
import CLibPQ
import CLinux
import COpenSSL
import CSQLite
import Testing

@Suite struct LinkageTests {
    @Test func curlHasOpenSSLAndSetoptShims() throws {
        let info = curl_version_info(CURLVERSION_TENTH)!
        let ssl = String(cString: try #require(info.pointee.ssl_version))
        #expect(ssl.hasPrefix("OpenSSL"))
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, 1000) == CURLE_OK)
    }

    @Test func openSSLIsVersion3AndTakesMinimumProtocol() throws {
        #expect(OpenSSL_version_num() >= 0x3000_0000)
        let ctx = try #require(SSL_CTX_new(TLS_server_method()))
        defer { SSL_CTX_free(ctx) }
        #expect(copenssl_ctx_set_min_proto_version(ctx, TLS1_2_VERSION) == 1)
    }

    @Test func sqliteRoundTripInMemory() throws {
        var db: OpaquePointer?
        #expect(sqlite3_open(":memory:", &db) == SQLITE_OK)
        defer { sqlite3_close(db) }
        #expect(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES (42);", nil, nil, nil) == SQLITE_OK)
        var stmt: OpaquePointer?
        #expect(sqlite3_prepare_v2(db, "SELECT x FROM t", -1, &stmt, nil) == SQLITE_OK)
        defer { sqlite3_finalize(stmt) }
        #expect(sqlite3_step(stmt) == SQLITE_ROW)
        #expect(sqlite3_column_int(stmt, 0) == 42)
    }

    @Test func libpqIsThreadSafeVersion15OrLater() {
        #expect(PQlibVersion() >= 150_000)
        #expect(PQisthreadsafe() == 1)
    }

    @Test func epollIsReachable() {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        #expect(fd >= 0)
        close(fd)
    }
}
