import ArcadiaState
import Foundation

/// Runs the built `arcadia` executable as an operator would: a working directory, environment, stdin.
public struct CommandRunner: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public let executable: URL

    /// Finds `arcadia` next to the test bundle (SwiftPM puts products and tests in one directory).
    public init() throws {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("arcadia") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build the arcadia product first (swift build)"])
        }
        executable = found
    }

    /// Runs the command to completion. The waiting happens on a thread of its own: blocking a thread of Swift's
    /// small cooperative pool would starve the in-process simulator the command is talking to.
    public func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:], input: String = "") async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Swift.Result { try runBlocking(arguments, in: directory, environment: environment, input: input) })
            }
        }
    }

    private func runBlocking(_ arguments: [String], in directory: URL, environment: [String: String], input: String) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DIGITALOCEAN_") && !$0.key.hasPrefix("ARCADIA_") }
        env["NO_COLOR"] = "1"
        env["ARCADIA_SIM_TIME_SCALE"] = "0.002"
        env.merge(environment) { _, new in new }
        process.environment = env
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = try stdout.fileHandleForReading.readAllRetryingInterrupts()
        let err = try stderr.fileHandleForReading.readAllRetryingInterrupts()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
