/// Who a request is from: the token it carried, as the state names it.
public struct Principal: Sendable, Hashable {
    /// The token's public id.
    public var tokenID: String
    /// The token's name: the actor of the events the request writes.
    public var name: String
    public var role: Role

    public init(tokenID: String, name: String, role: Role) {
        self.tokenID = tokenID
        self.name = name
        self.role = role
    }
}
