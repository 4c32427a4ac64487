import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOConcurrencyHelpers

/// Appends every `/v2` exchange to a file as one JSON line, in the format of
/// `shared/do-api/check_traffic.py`. The bearer token is written as `Bearer ***`.
final class TrafficRecorder: Sendable {
    struct Exchange {
        var method: String
        var url: String
        var requestHeaders: [String: String]
        var requestBody: Data?
        var status: Int
        var responseHeaders: [String: String]
        var responseBody: Data?
    }

    private let handle: NIOLockedValueBox<FileHandle>

    /// Opens `path` for appending (`O_APPEND`), creating it when missing, so several simulators, in one
    /// process or several, can share one recording without interleaving lines.
    init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw SimulatorConfigurationError(message: "\(path): cannot open the recording file: \(String(cString: strerror(errno)))")
        }
        handle = NIOLockedValueBox(FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
    }

    func record(_ exchange: Exchange) {
        var headers = exchange.requestHeaders
        if headers["authorization"] != nil { headers["authorization"] = "Bearer ***" }
        let line: [String: Any] = [
            "method": exchange.method,
            "url": exchange.url,
            "request_headers": headers,
            "request_body": Self.json(exchange.requestBody),
            "status": exchange.status,
            "response_headers": exchange.responseHeaders,
            "response_body": Self.json(exchange.responseBody),
        ]
        guard var data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        // One write per line: with O_APPEND the kernel places each whole line at the end.
        handle.withLockedValue { $0.write(data) }
    }

    private static func json(_ data: Data?) -> Any {
        guard let data, !data.isEmpty, let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return NSNull()
        }
        return object
    }
}
