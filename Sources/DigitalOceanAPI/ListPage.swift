import Foundation

/// One page of a DigitalOcean list: the items under their collection key, `links.pages.next` and `meta.total`.
struct ListPage<Item: Decodable>: Decodable {
    // A non-empty literal key: the initialiser only fails on platforms that reject empty keys.
    static var keyInfo: CodingUserInfoKey { CodingUserInfoKey(rawValue: "arcadia.listKey")! }

    var items: [Item]
    /// The page number named by `links.pages.next`, if there is one.
    var nextPage: Int?
    /// `meta.total`: the items in the whole list when this page was read. Some lists lack it.
    var total: Int?

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Links: Decodable {
        struct Pages: Decodable { var next: String? }
        var pages: Pages?
    }

    private struct Meta: Decodable {
        var total: Int?
    }

    init(from decoder: any Decoder) throws {
        // The key is set by the client before decoding; a missing key is a programming error caught in tests.
        let key = decoder.userInfo[Self.keyInfo] as? String ?? ""
        let container = try decoder.container(keyedBy: AnyKey.self)
        items = try container.decode([Item].self, forKey: AnyKey(stringValue: key))
        let links = try container.decodeIfPresent(Links.self, forKey: AnyKey(stringValue: "links"))
        nextPage = links?.pages?.next
            .flatMap { URLComponents(string: $0)?.queryItems?.first(where: { $0.name == "page" })?.value }
            .flatMap(Int.init)
        // Only a hint for fetching pages at once: a `meta` of another shape means following `next`.
        total = (try? container.decodeIfPresent(Meta.self, forKey: AnyKey(stringValue: "meta")))?.total
    }
}

extension ListPage: Sendable where Item: Sendable {}
