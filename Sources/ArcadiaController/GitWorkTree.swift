import ArcadiaState
import Foundation

/// The git work tree a spec file is in, when it is in one: for `drift accept|ignore`'s diff and commit,
/// and the controller's checkout.
public struct GitWorkTree: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The work tree holding `file`, or nil when there is none (or no git on the machine).
    public static func containing(_ file: String) -> GitWorkTree? {
        let directory = (file as NSString).deletingLastPathComponent
        let tree = GitWorkTree(directory: directory.isEmpty ? "." : directory)
        guard let result = try? tree.git(["rev-parse", "--is-inside-work-tree"]), result.status == 0,
              result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "true" else { return nil }
        return tree
    }

    public func diff(_ file: String) throws -> String {
        try git(["--no-pager", "diff", "--no-color", "--", (file as NSString).lastPathComponent]).output
    }

    /// Whether `file` differs from the last commit (staged or not).
    public func hasChanges(_ file: String) throws -> Bool {
        let name = (file as NSString).lastPathComponent
        // 1: it differs; 0: it does not; anything else (no commit yet): nothing to compare with.
        return try git(["diff", "--quiet", "HEAD", "--", name]).status == 1
    }

    /// Commits `file` alone, whatever else is staged.
    public func commit(_ file: String, message: String) throws {
        let name = (file as NSString).lastPathComponent
        let added = try git(["add", "--", name])
        guard added.status == 0 else { throw GitError("git add \(file) failed: \(added.output)") }
        let committed = try git(["commit", "--quiet", "-m", message, "--", name])
        guard committed.status == 0 else { throw GitError("git commit failed: \(committed.output)") }
    }

    func git(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = try pipe.fileHandleForReading.readAllRetryingInterrupts()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

public struct GitError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
