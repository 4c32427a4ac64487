import Foundation

/// The controller's spec folder when it is a git work tree: fetched and fast-forwarded before each
/// pass, and where an accepted edit is committed and pushed (with `--git-push`).
public struct SpecCheckout: Sendable {
    public let tree: GitWorkTree
    public let remote: String
    /// nil: the branch checked out.
    public let branch: String?

    /// The checkout holding `specs`, or nil when it is a plain directory.
    public init?(specs: String, remote: String, branch: String?) {
        guard let tree = GitWorkTree.containing((specs as NSString).appendingPathComponent(".")) else { return nil }
        self.tree = tree
        self.remote = remote
        self.branch = branch
    }

    /// The commit checked out now.
    public func head() throws -> String {
        let result = try tree.git(["rev-parse", "HEAD"])
        guard result.status == 0 else { throw GitError("git rev-parse HEAD failed in \(tree.directory): \(result.output.trimmed)") }
        return result.output.trimmed
    }

    /// Fetches the branch from the remote and fast-forwards to it; returns the commit checked out
    /// after. A checkout without that remote is reconciled as it is. A fetch or fast-forward that
    /// fails is thrown, and the checkout stays as it was.
    public func sync() throws -> String {
        guard try tree.git(["remote", "get-url", remote]).status == 0 else { return try head() }
        let branch = try currentBranch()
        let fetched = try tree.git(["fetch", "--quiet", remote, branch])
        guard fetched.status == 0 else { throw GitError("git fetch \(remote) \(branch) failed: \(fetched.output.trimmed)") }
        let merged = try tree.git(["merge", "--ff-only", "--quiet", "FETCH_HEAD"])
        guard merged.status == 0 else {
            throw GitError("cannot fast-forward \(tree.directory) to \(remote)/\(branch) (the checkout has commits or edits of its own?): \(merged.output.trimmed)")
        }
        return try head()
    }

    /// Commits `file` alone as `author`, then pushes; a push the remote rejects is fetched, rebased
    /// and tried once more. Returns the commit pushed.
    public func commitAndPush(_ file: String, message: String, author: String) throws -> String {
        let name = (file as NSString).lastPathComponent
        let identity = ["-c", "user.name=\(author)", "-c", "user.email=arcadia-controller@localhost"]
        let added = try tree.git(["add", "--", name])
        guard added.status == 0 else { throw GitError("git add \(file) failed: \(added.output.trimmed)") }
        let committed = try tree.git(identity + ["commit", "--quiet", "-m", message, "--author=\(author) <arcadia-controller@localhost>", "--", name])
        guard committed.status == 0 else { throw GitError("git commit failed: \(committed.output.trimmed)") }
        let branch = try currentBranch()
        if try tree.git(["push", "--quiet", remote, "HEAD:\(branch)"]).status == 0 { return try head() }
        let fetched = try tree.git(["fetch", "--quiet", remote, branch])
        let rebased = fetched.status == 0 ? try tree.git(identity + ["rebase", "--quiet", "FETCH_HEAD"]) : fetched
        guard rebased.status == 0 else {
            _ = try? tree.git(["rebase", "--abort"])
            throw GitError("the push to \(remote)/\(branch) was rejected and the commit does not rebase onto it: \(rebased.output.trimmed)")
        }
        let pushed = try tree.git(["push", "--quiet", remote, "HEAD:\(branch)"])
        guard pushed.status == 0 else { throw GitError("the push to \(remote)/\(branch) was rejected twice: \(pushed.output.trimmed)") }
        return try head()
    }

    private func currentBranch() throws -> String {
        if let branch { return branch }
        let result = try tree.git(["symbolic-ref", "--short", "HEAD"])
        guard result.status == 0 else { throw GitError("\(tree.directory) is not on a branch (detached HEAD); give --git-branch") }
        return result.output.trimmed
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
