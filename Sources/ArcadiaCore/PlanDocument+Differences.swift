import Foundation

extension PlanDocument {
    /// What differs between this saved plan and `current`, a fresh plan of the same specs, as lines for people:
    /// changes planned or no longer planned or planned differently, drift, and resources left alone (unfinished
    /// sagas). A plan document holds no live values or spec texts, so when the fingerprints differ but these
    /// do not, the last line says which inputs may have moved instead.
    public func differences(from current: PlanDocument) -> [String] {
        var lines: [String] = []
        let saved = Dictionary(changes.map { ("\($0.kind)/\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
        let now = Dictionary(current.changes.map { ("\($0.kind)/\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
        for key in Set(saved.keys).union(now.keys).sorted() {
            switch (saved[key], now[key]) {
            case (let old?, nil):
                lines.append("\(key): the saved plan would \(old.action) it; now nothing is planned for it")
            case (nil, let new?):
                lines.append("\(key): now planned to \(new.action)\(Self.fieldText(new.fields)); the saved plan had nothing for it")
            case (let old?, let new?) where old != new:
                lines.append("\(key): the saved plan would \(old.action)\(Self.fieldText(old.fields)); now \(new.action)\(Self.fieldText(new.fields))")
            default:
                break
            }
        }
        for entry in Set(current.drift).subtracting(drift).sorted(by: Self.driftOrder) {
            lines.append("\(entry.kind)/\(entry.name): new drift, \(entry.field) is \(entry.actual) at DigitalOcean (expected \(entry.expected))")
        }
        for entry in Set(drift).subtracting(current.drift).sorted(by: Self.driftOrder) {
            lines.append("\(entry.kind)/\(entry.name): the drift of \(entry.field) (\(entry.actual), expected \(entry.expected)) is gone")
        }
        for entry in Set(current.blocked).subtracting(blocked).sorted(by: { ($0.kind, $0.name) < ($1.kind, $1.name) }) {
            lines.append("\(entry.kind)/\(entry.name): now left alone: \(entry.reason)")
        }
        for entry in Set(blocked).subtracting(current.blocked).sorted(by: { ($0.kind, $0.name) < ($1.kind, $1.name) }) {
            lines.append("\(entry.kind)/\(entry.name): no longer left alone (\(entry.sagaID.map { "saga \($0.prefix(8)) " } ?? "")finished)")
        }
        if unmanaged != current.unmanaged {
            lines.append("droplets without managed-by-arcadia: \(unmanaged) then, \(current.unmanaged) now")
        }
        if lines.isEmpty && fingerprint != current.fingerprint {
            lines.append(
                "the planned changes are the same, but what they were planned from is not: a spec, a live droplet, "
                    + "Arcadia's record of what it applied, or the set of unfinished sagas changed in a way the plan does not show"
            )
        }
        return lines
    }

    private static func fieldText(_ fields: [FieldEntry]) -> String {
        guard !fields.isEmpty else { return "" }
        return " (" + fields.map { "\($0.field) \($0.from ?? "–") → \($0.to ?? "–")" }.joined(separator: ", ") + ")"
    }

    private static func driftOrder(_ a: DriftEntry, _ b: DriftEntry) -> Bool {
        (a.kind, a.name, a.field) < (b.kind, b.name, b.field)
    }
}
