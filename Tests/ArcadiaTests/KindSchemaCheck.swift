import ArcadiaCore
import Foundation
import Testing

/// A kind's published schema against its loader: the same spec fields, required fields, policy keys
/// and ignorable fields.
enum KindSchemaCheck {
    static func expectAgreement(_ file: String, kind: any KindDefinition, required: Set<String>) throws {
        let url = SpecLoaderTests.root.appendingPathComponent("schema/\(file)")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let spec = try #require(properties["spec"] as? [String: Any])
        let policy = try #require(properties["policy"] as? [String: Any])
        #expect(Set((spec["properties"] as? [String: Any] ?? [:]).keys) == Set(kind.fieldNames))
        #expect(Set(spec["required"] as? [String] ?? []) == required)
        #expect(Set((policy["properties"] as? [String: Any] ?? [:]).keys) == Set(kind.policyFieldNames))
        let ignore = try #require((policy["properties"] as? [String: Any])?["ignore"] as? [String: Any])
        #expect(Set((ignore["items"] as? [String: Any])?["enum"] as? [String] ?? []) == Set(kind.ignorableFields))
    }
}
