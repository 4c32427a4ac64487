import ArcadiaCore
import ArcadiaSpecs

/// A domain's records, three ways: the spec's (data resolved through what the spec names), the ones
/// Arcadia applied (with the data they had then: what makes a live record Arcadia's, since records
/// carry no tags) and the live ones. Records are matched by type, name and data. Pure.
///
/// Each record operation is one ``FieldChange`` labelled `records[TYPE NAME DATA]`: `from` is the live
/// record's text (with its id), `to` the spec's; nil `from` creates, nil `to` deletes. A record that
/// takes another spec's address keeps the reference in `to`, and its step resolves it when it runs.
struct DomainRecordDiff {
    var desired: [DomainRecordEntry]
    var applied: [DomainRecordEntry]
    var live: [DomainRecordEntry]
    /// The data a reference resolves to now; nil when the spec it names has no address yet.
    var resolve: (DomainRecordEntry) -> String?

    struct Drift: Hashable {
        var field: String
        var expected: String
        var actual: String
        var change: FieldChange
    }

    struct Result {
        var operations: [FieldChange] = []
        var drift: [Drift] = []
        /// Live records neither the spec nor Arcadia's record lists (SOA and NS left out).
        var unlisted: [DomainRecordEntry] = []
    }

    func diff(prune: Bool) -> Result {
        var result = Result()
        var remaining = live
        let appliedByKey = Dictionary(applied.compactMap { entry in entry.key(data: entry.data ?? resolve(entry)).map { ($0, entry) } },
                                      uniquingKeysWith: { first, _ in first })
        func take(_ key: String) -> DomainRecordEntry? {
            guard let index = remaining.firstIndex(where: { $0.key() == key }) else { return nil }
            return remaining.remove(at: index)
        }
        var updates: [FieldChange] = []
        var pending: [DomainRecordEntry] = []
        for entry in desired {
            let data = entry.isReference ? resolve(entry) : entry.data
            guard let key = entry.key(data: data), let current = take(key) else {
                pending.append(entry)
                continue
            }
            guard entry.compared != current.compared else { continue }
            let change = FieldChange(field: current.label(), from: current.text, to: entry.text)
            if let had = appliedByKey[key], had.compared == entry.compared {
                // The spec did not move: the live record did.
                result.drift.append(Drift(field: current.label(), expected: had.compared, actual: current.compared, change: change))
            } else {
                updates.append(change)
            }
        }
        // A record whose reference now resolves elsewhere (a replaced droplet) moves in place.
        var creates: [FieldChange] = []
        for entry in pending {
            if entry.isReference, let index = remaining.firstIndex(where: { current in
                guard current.type == entry.type, current.name.lowercased() == entry.name.lowercased(), let key = current.key() else { return false }
                return appliedByKey[key]?.referenceKey == entry.referenceKey
            }) {
                let current = remaining.remove(at: index)
                updates.append(FieldChange(field: current.label(), from: current.text, to: entry.text))
            } else {
                creates.append(FieldChange(field: entry.label(data: entry.isReference ? resolve(entry) : nil), from: nil, to: entry.text))
            }
        }
        var deletes: [FieldChange] = []
        for current in remaining where !DomainRecordEntry.keptTypes.contains(current.type) {
            let isArcadias = current.key().map { appliedByKey[$0] != nil } ?? false
            if isArcadias || prune {
                deletes.append(FieldChange(field: current.label(), from: current.text, to: nil))
            } else {
                result.unlisted.append(current)
            }
        }
        // No gap in what resolves: change and add first, delete last.
        result.operations = updates + creates + deletes
        return result
    }

    /// The operations a saga carries out, in its steps' order: every record the spec lists, for a
    /// domain the saga creates; else the record changes its plan showed.
    static func operations(_ input: SagaInputShape) -> [FieldChange] {
        if input.createsDomain {
            return (input.desired?.spec.strings("records") ?? []).compactMap(DomainRecordEntry.init(text:)).map {
                FieldChange(field: $0.label(), from: nil, to: $0.text)
            }
        }
        return input.fields.filter { DomainRecordEntry.isRecordField($0.field) && !$0.isAlreadyLive }
    }

    /// What ``operations(_:)`` reads of a saga's input or a planned change.
    struct SagaInputShape {
        var createsDomain: Bool
        var desired: DesiredResource?
        var fields: [FieldChange]
    }
}
