import ArcadiaState
import Foundation

/// Runs git in `directory` with an author set (and `main` for a new repository), as a test's setup
/// does; its output. A git that fails throws with that output, so a setup step never fails unseen.
@discardableResult
public func runGit(_ arguments: [String], in directory: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-c", "user.name=Ops", "-c", "user.email=ops@example.com", "-c", "init.defaultBranch=main"] + arguments
    process.currentDirectoryURL = directory
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = try pipe.fileHandleForReading.readAllRetryingInterrupts()
    process.waitUntilExit()
    let output = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else {
        throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "git \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(output)"])
    }
    return output
}
