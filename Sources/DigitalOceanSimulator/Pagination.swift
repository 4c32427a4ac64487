import Foundation
import Hummingbird
import NIOCore

/// DigitalOcean's `page` / `per_page` lists with `links.pages` and `meta.total`.
enum Pagination {
    static let maximumPerPage = 200

    /// A list request's `page` and `per_page`, checked.
    struct Paging: Sendable {
        var page: Int
        var perPage: Int

        init(_ request: Request) throws {
            let query = request.uri.queryParameters
            perPage = query.get("per_page").flatMap(Int.init) ?? 20
            page = query.get("page").flatMap(Int.init) ?? 1
            guard (1...Pagination.maximumPerPage).contains(perPage) else {
                throw SimulatorError.badRequest("per_page must be between 1 and \(Pagination.maximumPerPage).")
            }
            guard page >= 1 else { throw SimulatorError.badRequest("page must be 1 or more.") }
        }

        /// The positions on this page of a list of `total` items: empty past the last page.
        func range(total: Int) -> Range<Int> {
            let start = min(total, (page - 1) * perPage)
            return start..<min(total, start + perPage)
        }

        /// `links.pages` for a list of `total` items.
        func links(total: Int, request: Request) -> [String: String] {
            let lastPage = max(1, (total + perPage - 1) / perPage)
            var pages: [String: String] = [:]
            let link = { (number: Int) in Pagination.url(request, page: number, perPage: perPage) }
            if page > 1 {
                pages["first"] = link(1)
                pages["prev"] = link(page - 1)
            }
            if page < lastPage {
                pages["next"] = link(page + 1)
                pages["last"] = link(lastPage)
            }
            return pages
        }
    }

    /// The requested page's items and its `links.pages`.
    struct Window<Item> {
        var items: ArraySlice<Item>
        var pages: [String: String]
        var total: Int
    }

    /// Only the requested page's items are rendered, so listing N items page by page costs O(N), not O(N²).
    static func window<Item>(_ items: [Item], request: Request) throws -> Window<Item> {
        let paging = try Paging(request)
        let total = items.count
        return Window(items: items[paging.range(total: total)], pages: paging.links(total: total, request: request), total: total)
    }

    /// A page of typed bodies: the fast path, used for droplets and the catalogue.
    static func page<Item, Body: Encodable & Sendable>(_ items: [Item], key: String, request: Request, render: (Item) -> Body) throws -> Response {
        let window = try window(items, request: request)
        return JSONResponse.encode(
            status: 200,
            Bodies.Page(key: key, items: window.items.map(render), links: .init(pages: window.pages), meta: .init(total: window.total))
        )
    }

    /// A page of dictionary bodies.
    static func page<Item>(_ items: [Item], key: String, request: Request, object: (Item) -> [String: Any]) throws -> Response {
        let window = try window(items, request: request)
        let links: [String: Any] = window.pages.isEmpty ? [:] : ["pages": window.pages]
        return JSONResponse.make(status: 200, [key: window.items.map(object), "links": links, "meta": ["total": window.total]])
    }

    /// A page of items already encoded as JSON, each given as the pieces it is made of, spliced between
    /// the page's brackets as they are: `{"<key>": [item, …], "links": {…}, "meta": {"total": N}}`.
    static func page(json items: [[Data]], key: String, paging: Paging, total: Int, request: Request) -> Response {
        let encoder = JSONResponse.encoder
        // Plain structs of strings and integers: encoding cannot fail.
        let links = (try? encoder.encode(Bodies.Links(pages: paging.links(total: total, request: request)))) ?? Data("{}".utf8)
        let meta = (try? encoder.encode(Bodies.Meta(total: total))) ?? Data("{}".utf8)
        var body = ByteBuffer()
        body.reserveCapacity(items.reduce(64 + links.count) { size, pieces in pieces.reduce(size + 1) { $0 + $1.count } })
        // The key is a collection's name in letters and underscores: nothing in it needs escaping.
        body.writeString("{\"\(key)\":[")
        for (index, pieces) in items.enumerated() {
            if index > 0 { body.writeString(",") }
            for piece in pieces { body.writeBytes(piece) }
        }
        body.writeString("],\"links\":")
        body.writeBytes(links)
        body.writeString(",\"meta\":")
        body.writeBytes(meta)
        body.writeString("}")
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    /// `http://host:port` as the client addressed us.
    static func origin(of request: Request) -> String {
        "http://\(request.head.authority ?? "127.0.0.1")"
    }

    private static func url(_ request: Request, page: Int, perPage: Int) -> String {
        var components = URLComponents()
        var items = request.uri.queryParameters
            .filter { $0.key != "page" && $0.key != "per_page" }
            .map { URLQueryItem(name: String($0.key), value: String($0.value)) }
            .sorted { $0.name < $1.name }
        items.append(URLQueryItem(name: "page", value: String(page)))
        items.append(URLQueryItem(name: "per_page", value: String(perPage)))
        components.queryItems = items
        return "\(origin(of: request))\(request.uri.path)?\(components.percentEncodedQuery ?? "")"
    }
}
