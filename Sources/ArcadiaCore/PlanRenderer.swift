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

    /// The plan for standard output: headline, changes, what is left alone, drift, the summary. Errors
    /// and warnings are not in it: ``diagnostics(_:)`` gives them, for standard error.
    public func text(_ plan: Plan) -> String {
        var lines = [headline(plan)]
        if !plan.changes.isEmpty {
            lines.append("")
            for planned in plan.changes {
                lines.append(line(for: planned))
                if !planned.after.isEmpty { lines.append("      after: " + planned.after.joined(separator: ", ")) }
                lines.append("      steps: " + planned.steps.joined(separator: " → "))
                if let dependents = planned.change.dependents, !dependents.isEmpty {
                    let moved = dependents.map { "\($0.key) (\($0.fields.map(\.field).joined(separator: ", ")))" }
                    lines.append("      moves to the new droplet before the old one is destroyed: " + moved.joined(separator: ", "))
                }
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
        lines.append("")
        lines.append(summary(plan))
        return lines.joined(separator: "\n")
    }

    /// The plan's warnings, then its errors, one line each, for standard error.
    public func diagnostics(_ plan: Plan) -> [String] {
        plan.warnings.map { "warning: \($0.description)" } + plan.errors.map { paint("error: \($0.description)", "31") }
    }

    /// One line that says what apply would do, and what stands in its way.
    public func headline(_ plan: Plan) -> String {
        let changes = Self.count(plan.changes.count, "change")
        if !plan.errors.isEmpty {
            let errors = Self.count(plan.errors.count, "error")
            let then = plan.changes.isEmpty ? "" : " Once they are fixed, Arcadia would make \(changes):"
            return "This plan has \(errors) (on standard error); apply would change nothing.\(then)"
        }
        if !plan.changes.isEmpty {
            return "Arcadia will make \(changes):"
        }
        if !plan.blocked.isEmpty {
            return "No changes can be planned until what is in the way below is resolved."
        }
        if !plan.drift.isEmpty {
            let fields = Self.count(plan.drift.count, "drifted field")
            return "No changes to apply, but \(fields) \(plan.drift.count == 1 ? "is" : "are") open (see Drift below)."
        }
        if !plan.warnings.isEmpty {
            return "No changes to apply, but DigitalOcean does not match the specs in full: see the \(Self.count(plan.warnings.count, "warning"))."
        }
        return "No changes. DigitalOcean matches the specs."
    }

    static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }

    public func summary(_ plan: Plan) -> String {
        let count = { (action: Change.Action) in plan.changes.filter { $0.change.action == action }.count }
        var text = plan.errors.isEmpty ? "Plan: " : "Plan (not applicable, \(Self.count(plan.errors.count, "error"))): "
        text += "\(count(.create)) to create, \(count(.update)) to update, \(count(.replace)) to replace, \(count(.destroy)) to destroy."
        if !plan.blocked.isEmpty { text += " \(plan.blocked.count) left alone." }
        if !plan.drift.isEmpty {
            let reverted = plan.drift.filter(\.isRevertPlanned).count
            text += " \(Self.count(plan.drift.count, "drifted field")) open (\(reverted) to revert)."
        }
        text += " \(plan.unmanagedCount) unmanaged droplet\(plan.unmanagedCount == 1 ? "" : "s") left alone."
        if plan.foreignManagedCount > 0 {
            text += " \(plan.foreignManagedCount) droplet\(plan.foreignManagedCount == 1 ? "" : "s") managed by another Arcadia state left alone."
        }
        return text
    }

    private func line(for planned: PlannedChange) -> String {
        let change = planned.change
        switch change.action {
        case .create:
            let detail = " (" + (planned.summary ?? change.kind.rawValue) + ")"
            return paint("  + create \(change.name)\(detail)", "32")
        case .destroy:
            return paint("  - destroy \(change.name) (\(change.kind.rawValue) \(change.resourceID ?? "?"))", "31")
        case .replace:
            return paint("  -/+ replace \(change.name) (\(planned.summary ?? change.kind.rawValue); \(fieldList(change.fields)))", "31")
        case .update:
            if change.fields.count == 1, let size = change.fields.first, size.field == "size", !size.isAlreadyLive {
                let verb = size.isDriftRevert ? "revert" : "resize"
                let note = size.isDriftRevert ? " (drift)" : ""
                return paint("  ~ \(verb) \(change.name) \(size.from ?? "?") → \(size.to ?? "?")\(note)", "33")
            }
            if change.fields.count == 1, let power = change.fields.first, power.field == DropletPower.field, power.isDriftRevert {
                return paint("  ~ power on \(change.name) (status: \(power.from ?? "?") → \(power.to ?? "?"), drift)", "33")
            }
            // A kind may name the resource more precisely than its kind (a reserved IP by its address).
            return paint("  ~ update \(change.name) (\(planned.summary ?? change.kind.rawValue); \(fieldList(change.fields)))", "33")
        }
    }

    private func fieldList(_ fields: [FieldChange]) -> String {
        fields.map { field in
            let note = field.isDriftRevert ? " [drift]"
                : field.movedBy.map { " [moved by \($0)'s replace; record only]" } ?? (field.isAlreadyLive ? " [already live; record only]" : "")
            return "\(field.field): \(field.from ?? "none") → \(field.to ?? "none")\(note)"
        }.joined(separator: "; ")
    }

    private func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
