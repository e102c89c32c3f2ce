import Messages
import Testing
@testable import Store

@Suite struct LogChainTests {
    @Test func openSSLDigestMatchesTheMessagesImplementation() {
        for input in [[], Array("abc".utf8), (0..<1000).map { UInt8($0 % 251) }] as [[UInt8]] {
            #expect(SHA256Hex.hash(input) == SHA256.hex(input))
        }
        #expect(SHA256Hex.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func everyFieldAndTheLinkChangeTheHash() {
        func hash(prev: String = LogChain.genesis, seq: Int64 = 1, detail: String = "{}", actor: String? = nil,
                  destination: String? = nil) -> String {
            LogChain.hash(prevHash: prev, seq: seq, node: "local", atMillis: 1, messageId: nil, destination: destination,
                          event: "received", type: "t", sender: "s", detail: detail, actor: actor)
        }
        let base = hash()
        #expect(base.count == 64)
        #expect(hash(prev: base) != base)
        #expect(hash(seq: 2) != base)
        #expect(hash(detail: "{ }") != base)
        #expect(hash(actor: "") != base)  // empty is not missing
        #expect(hash(destination: "-") != hash())  // "-" the value is not "-" the marker
    }
}
