/// Why a judicial encoder could not encode a message.
public struct JudicialEncodeError: Error, Hashable, CustomStringConvertible {
    private enum Code: Hashable {
        case unsupportedType(String)
        case malformedBody
    }

    private let code: Code

    /// The encoder does not handle messages of this type.
    public static func unsupportedType(_ type: String) -> Self { Self(code: .unsupportedType(type)) }
    /// The stored canonical body is not the JSON object the encoder expects.
    public static let malformedBody = Self(code: .malformedBody)

    public var description: String {
        switch code {
        case .unsupportedType(let type): "JudicialEncodeError.unsupportedType(\(type))"
        case .malformedBody: "JudicialEncodeError.malformedBody"
        }
    }
}
