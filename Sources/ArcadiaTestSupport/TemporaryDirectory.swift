import ArcadiaState
import Foundation
import Logging

/// A fresh directory under the system's temporary directory, removed after `body`.
public func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("arcadia-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Writes spec files into `directory`, one per entry (`name.yaml` → contents).
public func writeSpecs(_ files: [String: String], to directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, text) in files {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
}

/// A valid droplet spec.
public func dropletSpec(name: String, size: String = "s-1vcpu-1gb", region: String = "nyc3", image: String = "ubuntu-24-04-x64", policy: String = "") -> String {
    """
    apiVersion: arcadia/v1
    kind: Droplet
    metadata:
      name: \(name)
    spec:
      region: \(region)
      size: \(size)
      image: \(image)
      tags: [web]
    \(policy)
    """
}
