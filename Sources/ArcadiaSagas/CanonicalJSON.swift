import Foundation

/// JSON with sorted keys, as text: how the sagas module stores documents (saga context, applied specs,
/// inventory attributes), so equal values are stored as equal strings.
enum CanonicalJSON {
    static func string(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
