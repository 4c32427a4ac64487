import ArcadiaSpecs
import Foundation

/// Prints a plan for people (aligned, optionally coloured) and for programs (`--json`).
public struct PlanRenderer: Sendable {
    public var useColor: Bool
    /// List the unmanaged droplets by name, not only count them.
    public var showUnmanaged: Bool

    public init(useColor: Bool, showUnmanaged: Bool = false) {
        self.useColor = useColor
        self.showUnmanaged = showUnmanaged
    }

    public func text(_ plan: Plan) -> String {
        var lines: [String] = []
        if plan.isInSync {
            lines.append("No changes. DigitalOcean matches the specs.")
        } else if plan.changes.isEmpty {
            lines.append("No changes can be planned until what is in the way below is resolved.")
        } else {
            lines.append("Arcadia will make \(plan.changes.count) change\(plan.changes.count == 1 ? "" : "s"):")
            lines.append("")
            for planned in plan.changes {
                lines.append(line(for: planned.change))
                lines.append("      steps: " + planned.steps.joined(separator: " → "))
                for note in planned.irreversible { lines.append(paint("      irreversible: \(note)", "33")) }
                if let reason = planned.change.reason { lines.append("      because: \(reason)") }
            }
        }
        if !plan.blocked.isEmpty {
            lines.append("")
            lines.append("Left alone (the specs may want changes here, but something is in the way):")
            for blocked in plan.blocked {
                lines.append(paint("  ⊘ \(blocked.kind.rawValue)/\(blocked.name): \(blocked.reason)", "33"))
            }
        }
        if !plan.drift.isEmpty {
            lines.append("")
            lines.append("Drift (changed outside Arcadia):")
            for finding in plan.drift {
                let outcome = finding.isRevertPlanned ? "apply reverts it" : "reported only"
                lines.append(paint("  ! drift \(finding.name) \(finding.field): expected \(finding.expected), found \(finding.actual) (\(outcome))", "35"))
            }
        }
        if showUnmanaged && !plan.unmanaged.isEmpty {
            lines.append("")
            lines.append("Unmanaged droplets (no \(Ownership.managedTag) tag; never touched):")
            lines += plan.unmanaged.map { "  \($0)" }
        }
        if !plan.warnings.isEmpty {
            lines.append("")
            lines += plan.warnings.map { "warning: \($0.description)" }
        }
        if !plan.errors.isEmpty {
            lines.append("")
            lines += plan.errors.map { paint("error: \($0.description)", "31") }
        }
        lines.append("")
        lines.append(summary(plan))
        return lines.joined(separator: "\n")
    }

    public func summary(_ plan: Plan) -> String {
        let count = { (action: Change.Action) in plan.changes.filter { $0.change.action == action }.count }
        var text = "Plan: \(count(.create)) to create, \(count(.update)) to update, \(count(.replace)) to replace, \(count(.destroy)) to destroy."
        if !plan.blocked.isEmpty { text += " \(plan.blocked.count) left alone." }
        text += " \(plan.unmanagedCount) unmanaged droplet\(plan.unmanagedCount == 1 ? "" : "s") left alone."
        if plan.foreignManagedCount > 0 {
            text += " \(plan.foreignManagedCount) droplet\(plan.foreignManagedCount == 1 ? "" : "s") managed by another Arcadia state left alone."
        }
        return text
    }

    private func line(for change: Change) -> String {
        switch change.action {
        case .create:
            var detail = ""
            if let desired = change.desired, case .droplet(let spec) = desired.spec {
                detail = " (\(change.kind.rawValue), \(spec.region), \(spec.size), \(spec.image))"
            }
            return paint("  + create \(change.name)\(detail)", "32")
        case .destroy:
            return paint("  - destroy \(change.name) (\(change.kind.rawValue) \(change.resourceID ?? "?"))", "31")
        case .replace:
            return paint("  -/+ replace \(change.name) (\(fieldList(change.fields)))", "31")
        case .update:
            if change.fields.count == 1, let size = change.fields.first, size.field == "size", !size.isAlreadyLive {
                let verb = size.isDriftRevert ? "revert" : "resize"
                let note = size.isDriftRevert ? " (drift)" : ""
                return paint("  ~ \(verb) \(change.name) \(size.from ?? "?") → \(size.to ?? "?")\(note)", "33")
            }
            return paint("  ~ update \(change.name) (\(fieldList(change.fields)))", "33")
        }
    }

    private func fieldList(_ fields: [FieldChange]) -> String {
        fields.map { field in
            let note = field.isDriftRevert ? " [drift]" : field.isAlreadyLive ? " [already live; record only]" : ""
            return "\(field.field): \(field.from ?? "none") → \(field.to ?? "none")\(note)"
        }.joined(separator: "; ")
    }

    private func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
