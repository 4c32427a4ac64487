/// A DigitalOcean API token. Its description is redacted so that it cannot reach a log,
/// an error or a plan by accident; only the client reads ``secret`` to build the header.
public struct APIToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let secret: String

    public init(_ secret: String) {
        self.secret = secret
    }

    public var description: String { "***" }
    public var debugDescription: String { "APIToken(***)" }
}
