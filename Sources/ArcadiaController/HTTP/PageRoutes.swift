import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The drift inbox page: `/` and its script modules, style and icon under `/ui/`, from the target's
/// `Page` resources. Served without a token: the files hold no data, and the script asks the API with the
/// token the person signs in with (kept in the tab's sessionStorage, sent as the bearer header; no
/// cookie is ever set, so another site's form cannot act as them).
struct PageRoutes: Sendable {
    /// Only the page's own files may run or style it; no frame, plugin, base or form target.
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self'", "connect-src 'self'",
        "object-src 'none'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    private struct Asset: Sendable {
        var bytes: ByteBuffer
        var contentType: String
    }

    private static let contentTypes = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "svg": "image/svg+xml",
    ]

    /// Every file of the `Page` folder, read once at start: `index.html` as `/`, the others (the script's
    /// modules, the style, the icon) as `/ui/NAME`. Nil when the resources are not installed beside the binary.
    private static let assets: [String: Asset]? = {
        guard let folder = Bundle.module.url(forResource: "Page", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return nil }
        var assets: [String: Asset] = [:]
        for name in names {
            guard let type = contentTypes[(name as NSString).pathExtension],
                  let data = try? Data(contentsOf: folder.appendingPathComponent(name))
            else { continue }
            assets[name == "index.html" ? "/" : "/ui/\(name)"] = Asset(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        return assets["/"] == nil ? nil : assets
    }()

    func register(on router: Router<APIContext>) {
        router.get("/") { _, _ in try Self.response(for: "/") }
        router.get("/ui/:file") { _, context in try Self.response(for: "/ui/\(context.parameters.get("file") ?? "")") }
    }

    private static func response(for route: String) throws -> Response {
        guard let assets else {
            return APIResponse.text(
                "the page's files (Arcadia_ArcadiaController.resources) are not installed beside the arcadia binary\n",
                contentType: "text/plain; charset=utf-8", status: .serviceUnavailable
            )
        }
        guard let asset = assets[route] else { throw APIError.notFound("the page has no file \(route)") }
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .cacheControl: "no-cache",
        ]
        // Not among HTTPTypes' names; the names are valid tokens, so these always succeed.
        if let referrer = HTTPField.Name("Referrer-Policy") { headers[referrer] = "no-referrer" }
        if let frames = HTTPField.Name("X-Frame-Options") { headers[frames] = "DENY" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }
}
