import Foundation
import Hummingbird

/// DigitalOcean's `page` / `per_page` lists with `links.pages` and `meta.total`.
enum Pagination {
    static let maximumPerPage = 200

    /// Renders only the requested page's items, so listing N items page by page costs O(N), not O(N²).
    static func page<Item, Body: Encodable>(_ items: [Item], key: String, request: Request, render: (Item) -> Body) throws -> Response {
        let query = request.uri.queryParameters
        let perPage = query.get("per_page").flatMap(Int.init) ?? 20
        let page = query.get("page").flatMap(Int.init) ?? 1
        guard (1...maximumPerPage).contains(perPage) else {
            throw SimulatorError.badRequest("per_page must be between 1 and \(maximumPerPage).")
        }
        guard page >= 1 else { throw SimulatorError.badRequest("page must be 1 or more.") }
        let lastPage = max(1, (items.count + perPage - 1) / perPage)
        let start = min(items.count, (page - 1) * perPage)
        let slice = items[start..<min(items.count, start + perPage)].map(render)

        var pages: [String: String] = [:]
        let link = { (number: Int) in url(request, page: number, perPage: perPage) }
        if page > 1 {
            pages["first"] = link(1)
            pages["prev"] = link(page - 1)
        }
        if page < lastPage {
            pages["next"] = link(page + 1)
            pages["last"] = link(lastPage)
        }
        return JSONResponse.encode(status: 200, Bodies.Page(key: key, items: slice, links: .init(pages: pages), meta: .init(total: items.count)))
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
