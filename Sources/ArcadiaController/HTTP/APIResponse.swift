import ArcadiaState
import Foundation
import Hummingbird
import NIOCore

/// JSON answers: sorted keys, slashes unescaped, times as the ledger writes them.
enum APIResponse {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Store.timestamp(date))
        }
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        // Plain value types always encode; were one not to, the answer must not claim success.
        let encoded = try? encoder.encode(value)
        return Response(
            status: encoded == nil ? .internalServerError : status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: encoded ?? Data(#"{"error":"internal"}"#.utf8)))
        )
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
