import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The drift inbox page: `/` and its script, style and icon under `/ui/`, from the target's `Page`
/// resources. Served without a token: the files hold no data, and the script asks the API with the
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

    private static let files: [(route: String, file: String, contentType: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/ui/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/ui/app.css", "app.css", "text/css; charset=utf-8"),
        ("/ui/icon.svg", "icon.svg", "image/svg+xml"),
    ]

    /// Read once, at start: nil when the resources are not installed beside the binary.
    private static let assets: [String: Asset]? = {
        guard let folder = Bundle.module.url(forResource: "Page", withExtension: nil) else { return nil }
        var assets: [String: Asset] = [:]
        for entry in files {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(entry.file)) else { return nil }
            assets[entry.route] = Asset(bytes: ByteBuffer(bytes: data), contentType: entry.contentType)
        }
        return assets
    }()

    func register(on router: Router<APIContext>) {
        for entry in Self.files {
            router.get(RouterPath(entry.route)) { _, _ in Self.response(for: entry.route) }
        }
    }

    private static func response(for route: String) -> Response {
        guard let asset = assets?[route] else {
            return APIResponse.text(
                "the page's files (Arcadia_ArcadiaController.resources) are not installed beside the arcadia binary\n",
                contentType: "text/plain; charset=utf-8", status: .serviceUnavailable
            )
        }
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
