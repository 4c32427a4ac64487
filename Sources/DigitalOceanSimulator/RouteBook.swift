import HTTPTypes
import Hummingbird

/// Registers routes and remembers them as `METHOD /template`, the OpenAPI document's names, so the
/// simulator can say which operations it serves (`arcadia sim --list-operations`).
final class RouteBook {
    typealias Handler = @Sendable (Request, SimRequestContext) async throws -> Response

    let router: Router<SimRequestContext>
    private(set) var operations: [String] = []

    init(router: Router<SimRequestContext>) {
        self.router = router
    }

    func get(_ path: String, _ handler: @escaping Handler) { add(.get, path, handler) }
    func post(_ path: String, _ handler: @escaping Handler) { add(.post, path, handler) }
    func put(_ path: String, _ handler: @escaping Handler) { add(.put, path, handler) }
    func patch(_ path: String, _ handler: @escaping Handler) { add(.patch, path, handler) }
    func delete(_ path: String, _ handler: @escaping Handler) { add(.delete, path, handler) }

    private func add(_ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        if path.hasPrefix("/v2") { operations.append("\(method.rawValue) \(path)") }
        router.on(RouterPath(path), method: method, use: handler)
    }
}

extension Parameters {
    func int(_ name: String) throws -> Int {
        guard let value = self.get(name), let number = Int(value) else { throw SimulatorError.notFound() }
        return number
    }

    func string(_ name: String) throws -> String {
        guard let value = self.get(name) else { throw SimulatorError.notFound() }
        return value.removingPercentEncoding ?? value
    }
}
