/// A unified diff of one file's edit, as `git diff` shows it: the changed lines with up to three
/// lines of context. Spec edits change one value, so one hunk covers them.
public enum UnifiedDiff {
    public static func make(path: String, before: String, after: String, context: Int = 3) -> String {
        guard before != after else { return "" }
        let old = lines(before)
        let new = lines(after)
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        let start = max(0, prefix - context)
        let oldEnd = min(old.count, old.count - suffix + context)
        let newEnd = min(new.count, new.count - suffix + context)
        var text = "--- a/\(path)\n+++ b/\(path)\n"
        text += "@@ -\(range(start, oldEnd - start)) +\(range(start, newEnd - start)) @@\n"
        for line in old[start..<prefix] { text += " \(line)\n" }
        for line in old[prefix..<(old.count - suffix)] { text += "-\(line)\n" }
        for line in new[prefix..<(new.count - suffix)] { text += "+\(line)\n" }
        for line in old[(old.count - suffix)..<oldEnd] { text += " \(line)\n" }
        return text
    }

    private static func lines(_ text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// `start,count` as a hunk header writes it: 1-based, and the line before when nothing is there.
    private static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }
}
