import ArcadiaCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes an edited spec file as an operator's editor would: through a symbolic link to the file it
/// names (the link stays), keeping the file's permissions, and atomically (a temporary file beside the
/// target, renamed over it). A file nobody may write is refused, not overwritten.
enum SpecFileWriter {
    static func replaceContents(of path: String, with text: String) throws {
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value ?? 0o644
        guard mode & 0o222 != 0 else {
            throw DriftNotAcceptable("\(path) is read-only (mode \(String(mode, radix: 8))); make it writable, or edit it by hand")
        }
        let directory = (target as NSString).deletingLastPathComponent
        let temporary = (directory as NSString).appendingPathComponent(".\((target as NSString).lastPathComponent).arcadia-\(getpid())")
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: NSNumber(value: mode)]) else {
            throw DriftNotAcceptable("cannot write beside \(target) (is its directory writable?); nothing was changed")
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw DriftNotAcceptable("cannot replace \(target): \(reason); nothing was changed")
        }
    }
}
