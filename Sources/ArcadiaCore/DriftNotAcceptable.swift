/// Why a drift cannot be accepted into the spec.
public struct DriftNotAcceptable: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
