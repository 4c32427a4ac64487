import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// `arcadia controller` as a real process: started on a free port, spoken to over HTTP, stopped with
/// SIGTERM (gracefully) or SIGKILL (as a crash).
public final class ControllerProcess: Sendable {
    private let process: Process
    private let output = NIOLockedValueBox("")
    public let baseURL: String

    /// Starts the controller with `arguments` (after `controller`; `--listen 127.0.0.1:0` is added) and
    /// waits until it serves its API.
    public init(arguments: [String], in directory: URL, environment: [String: String]) async throws {
        let executable = try CommandRunner().executable
        let process = Process()
        process.executableURL = executable
        process.arguments = ["controller", "--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DIGITALOCEAN_") && !$0.key.hasPrefix("ARCADIA_") }
        env["NO_COLOR"] = "1"
        env.merge(environment) { _, new in new }
        process.environment = env
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.withLockedValue { $0 += String(decoding: data, as: UTF8.self) } }
        }
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        var found: String?
        while found == nil {
            found = output.withLockedValue { text in
                text.range(of: #"serving the API on (http://[0-9.]+:[0-9]+)"#, options: .regularExpression).map {
                    String(text[$0].dropFirst("serving the API on ".count))
                }
            }
            if found == nil {
                guard process.isRunning, Date() < deadline else {
                    throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "the controller did not start:\n\(output.withLockedValue { $0 })"])
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        baseURL = found!
    }

    /// Everything it wrote to standard output and error so far.
    public var log: String { output.withLockedValue { $0 } }

    public var isRunning: Bool { process.isRunning }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// A request (with `body`, sent as JSON whatever it holds); the answer's status and body parsed as
    /// JSON (or the text, under "text").
    public func request(_ method: String, _ path: String, token: String? = nil, body: String? = nil) async throws -> (status: Int, body: [String: Any]) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let data = Data(bytes.readableBytesView)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? ["text": String(decoding: data, as: UTF8.self)]
        return (Int(response.status.code), object)
    }

    /// A GET as a browser makes it, with no token: the status, the headers (names lowercased) and the body as text.
    public func fetch(_ path: String) async throws -> (status: Int, headers: [String: String], text: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: baseURL + path), timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let headers = Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, second in "\(first), \(second)" })
        return (Int(response.status.code), headers, String(buffer: bytes))
    }

    /// SIGTERM, then waits for the exit; returns the exit status. A controller still running a minute
    /// later (its own grace is 20 s) has hung: it is killed, and the status is SIGKILL's, never 0.
    public func terminate() async throws -> Int32 {
        let start = Date()
        process.terminate()
        while process.isRunning {
            guard Date().timeIntervalSince(start) < 60 else {
                try await kill()
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    /// SIGKILL: no shutdown of any kind.
    public func kill() async throws {
        Glibc.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }
}

extension ControllerProcess {
    /// A token made as an admin makes one, with `arcadia tokens create`; its clear text.
    public static func token(_ name: String, role: String, database: String, in directory: URL) async throws -> String {
        let created = try await CommandRunner().run(["tokens", "create", "--name", name, "--role", role, "--database", database], in: directory)
        guard created.status == 0, let token = created.stdout.split(separator: "\n").last.map(String.init) else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "tokens create exited \(created.status): \(created.stderr)"])
        }
        return token
    }

    /// Polls `condition` until it holds or `seconds` pass; returns whether it held.
    public static func eventually(_ seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await condition()
    }
}
