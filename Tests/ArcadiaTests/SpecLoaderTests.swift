import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaTestSupport
import Foundation
import Testing

@Suite struct SpecLoaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let root = fixtures.deletingLastPathComponent().deletingLastPathComponent()

    @Test func brokenSpecsReportEveryProblemWithItsPosition() throws {
        let directory = Self.fixtures.appendingPathComponent("broken-specs").path
        let error = try #require(throws: SpecLoadError.self) { try SpecLoader.load(directory: directory) }
        let found = error.diagnostics.map { diagnostic in
            "\(URL(fileURLWithPath: diagnostic.location.path).lastPathComponent):\(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.message)"
        }
        let expected = [
            "dup-b.yaml:1:1: duplicate Droplet name 'web': also defined at \(directory)/dup-a.yaml:1:1; names must be unique per kind",
            "kind.yaml:1:13: unknown apiVersion 'arcadia/v2'; use 'arcadia/v1'",
            "kind.yaml:2:7: unknown kind 'Dropplet'; did you mean 'Droplet'?",
            // A misspelt kind's spec is still checked, as the kind it was probably meant to be.
            "kind.yaml:6:3: missing required field 'image' in spec",
            "kind.yaml:6:3: missing required field 'size' in spec",
            "missing.yaml:6:3: missing required field 'region' in spec",
            "missing.yaml:4:9: invalid droplet name 'web_1!': use 1-255 letters, digits, '.' or '-', starting and ending with a letter or digit",
            "syntax.yaml:6:1: YAML syntax error: did not find expected ',' or ']'",
            "types.yaml:11:10: policy.drift must be 'report' or 'revert', not 'ignore'",
            "types.yaml:12:12: 'protect' must be true or false, not the string 'yes please'",
            "types.yaml:7:9: 'size' must be a string, not a mapping",
            "types.yaml:9:9: 'tags' must be a list of strings, e.g. [a, b]",
            "typo.yaml:7:3: unknown key 'szie' in spec; did you mean 'size'?",
            "typo.yaml:6:3: missing required field 'size' in spec",
            "typo.yaml:9:15: 'monitoring' must be true or false, not the string 'maybe'",
        ]
        #expect(Set(found) == Set(expected), "\(found.joined(separator: "\n"))")
        #expect(found.count == expected.count)
    }

    /// A spec is kept as a plain mapping of its fields, so the ledger and `--json` read as the file does.
    /// Files are parsed across the cores; the resources and the errors still come in path order, the
    /// same on every load.
    @Test func manyFilesLoadInPathOrder() async throws {
        try await withTemporaryDirectory { directory in
            var files: [String: String] = [:]
            for index in 0..<300 {
                let name = String(format: "web-%03d", index)
                files["\(name).yaml"] = index % 50 == 7 ? dropletSpec(name: name, region: "") : dropletSpec(name: name)
            }
            try writeSpecs(files, to: directory)
            try Data([0xff, 0xfe]).write(to: directory.appendingPathComponent("web-100.yaml"))
            let first = try #require(throws: SpecLoadError.self) { try SpecLoader.load(directory: directory.path) }
            let again = try #require(throws: SpecLoadError.self) { try SpecLoader.load(directory: directory.path) }
            #expect(first.diagnostics == again.diagnostics)
            #expect(first.diagnostics.map { URL(fileURLWithPath: $0.location.path).lastPathComponent } == [
                "web-100.yaml", "web-007.yaml", "web-057.yaml", "web-107.yaml", "web-157.yaml", "web-207.yaml", "web-257.yaml",
            ])

            try FileManager.default.removeItem(at: directory.appendingPathComponent("web-100.yaml"))
            for index in stride(from: 7, to: 300, by: 50) {
                let name = String(format: "web-%03d", index)
                try writeSpecs(["\(name).yaml": dropletSpec(name: name)], to: directory)
            }
            let names = try SpecLoader.load(directory: directory.path).map(\.name)
            #expect(names == (0..<300).filter { $0 != 100 }.map { String(format: "web-%03d", $0) })
        }
    }

    @Test func aSpecEncodesAsItsFields() throws {
        let spec = DropletSpec(region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64").resourceSpec
        let encoded = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        #expect(encoded.contains(#""region":"nyc3""#) && encoded.contains(#""monitoring":false"#))
        #expect(try JSONDecoder().decode(ResourceSpec.self, from: Data(encoded.utf8)) == spec)
    }

    /// One run reports every problem: a duplicate name among documents that have problems of their
    /// own, and the fields of a document whose kind is misspelt.
    @Test func aDuplicateIsReportedBesideOtherProblems() async throws {
        try await withTemporaryDirectory { directory in
            let spec = """
                apiVersion: arcadia/v1
                kind: KIND
                metadata: {name: web}
                spec: {region: nyc3, size: s-1vcpu-1gb, image: ubuntu-24-04-x64, tags: ["bad tag!"]}

                """
            try spec.replacingOccurrences(of: "KIND", with: "Droplett").write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
            try spec.replacingOccurrences(of: "KIND", with: "Droplet").write(to: directory.appendingPathComponent("b.yaml"), atomically: true, encoding: .utf8)
            let error = try #require(throws: SpecLoadError.self) { try SpecLoader.load(directory: directory.path) }
            let found = error.diagnostics.map { "\(URL(fileURLWithPath: $0.location.path).lastPathComponent):\($0.location.line): \($0.message)" }
            #expect(found == [
                "a.yaml:2: unknown kind 'Droplett'; did you mean 'Droplet'?",
                "a.yaml:4: invalid tag 'bad tag!': use 1-255 letters, digits, '_', '-' or ':'",
                "b.yaml:1: duplicate Droplet name 'web': also defined at \(directory.path)/a.yaml:1:1; names must be unique per kind",
                "b.yaml:4: invalid tag 'bad tag!': use 1-255 letters, digits, '_', '-' or ':'",
            ])
        }
    }

    /// Strings are strings: a scalar YAML reads as a number, boolean or date, an explicit tag, a
    /// trailing line break or a non-ASCII digit is an error at its position, as the schema says.
    @Test func valuesThatAreNotStringsAreRejectedWhereTheyAre() async throws {
        try await withTemporaryDirectory { directory in
            let text = """
                apiVersion: arcadia/v1
                kind: Droplet
                metadata:
                  name: web
                spec:
                  region: !!timestamp 2001-12-14
                  size: 42
                  image: "ubuntu-24-04-x64\\r"
                  userData: !!str 42

                """
            try text.write(to: directory.appendingPathComponent("web.yaml"), atomically: true, encoding: .utf8)
            let error = try #require(throws: SpecLoadError.self) { try SpecLoader.load(directory: directory.path) }
            let found = error.diagnostics.map { "\($0.location.line):\($0.location.column): \($0.message)" }
            #expect(found == [
                "6:11: 'region' must be a string, not the date 2001-12-14; quote it (\"2001-12-14\") if you mean the text",
                "7:9: 'size' must be a string, not the number 42; quote it (\"42\") if you mean the text",
                "8:10: 'image' must be a DigitalOcean slug such as 'ubuntu-24-04-x64', not 'ubuntu-24-04-x64\\r'",
            ], "userData: !!str 42 is a string, and fine")
        }
    }

    @Test func everyExampleLoads() throws {
        let examples = Self.root.appendingPathComponent("examples")
        let folders = try FileManager.default.contentsOfDirectory(atPath: examples.path)
        #expect(!folders.isEmpty)
        for folder in folders {
            let resources = try SpecLoader.load(directory: examples.appendingPathComponent(folder).path)
            #expect(!resources.isEmpty, "\(folder) has no specs")
        }
    }

    @Test func validSpecDecodesEveryField() throws {
        let text = """
            apiVersion: arcadia/v1
            kind: Droplet
            metadata:
              name: web-1
              labels: {tier: web}
            spec:
              region: syd1
              size: s-1vcpu-1gb
              image: ubuntu-24-04-x64
              tags: [web, "env:prod"]
              sshKeys: ["3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa", "512189"]
              monitoring: true
              ipv6: yes
              backups: false
              userData: |
                #cloud-config
              vpc: 5a4c0de0-0000-4000-8000-000000000001
              resizeDisk: true
            policy:
              protect: true
              drift: revert
              ignore: [tags]
              snapshotBeforeResize: true
            """
        let resources = try SpecLoader.parse(documents: [(path: "web-1.yaml", text: text)])
        let resource = try #require(resources.first)
        #expect(resource.name == "web-1")
        #expect(resource.labels == ["tier": "web"])
        #expect(resource.policy == ResourcePolicy(protect: true, drift: .revert, ignore: ["tags"], snapshotBeforeResize: true))
        #expect(resource.spec == (DropletSpec(
            region: "syd1", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: ["web", "env:prod"], sshKeys: ["3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa", "512189"],
            monitoring: true, ipv6: true, backups: false, userData: "#cloud-config\n",
            vpc: "5a4c0de0-0000-4000-8000-000000000001", resizeDisk: true
        ).resourceSpec))
    }

    @Test func reservedTagsAndEmptyFilesAreRejected() throws {
        let reserved = """
            apiVersion: arcadia/v1
            kind: Droplet
            metadata: {name: a}
            spec: {region: nyc3, size: s-1vcpu-1gb, image: debian-12-x64, tags: [ok, managed-by-arcadia]}
            """
        let error = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [(path: "a.yaml", text: reserved), (path: "empty.yaml", text: "")])
        }
        #expect(error.diagnostics.map(\.description) == [
            "a.yaml:4:74: tag 'managed-by-arcadia' is reserved for Arcadia's own bookkeeping; remove it",
            "empty.yaml:1:1: file is empty; it must describe one resource",
        ])
    }

    /// The published schema and the loader accept the same fields (scripts/check_schema.py checks the examples against it).
    @Test func schemaNamesTheFieldsTheLoaderAccepts() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("schema/droplet.schema.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let properties = try #require(schema["properties"] as? [String: Any])
        let spec = try #require(properties["spec"] as? [String: Any])
        let policy = try #require(properties["policy"] as? [String: Any])
        #expect(Set((spec["properties"] as? [String: Any] ?? [:]).keys) == Set(DropletSpec.fieldNames))
        #expect(Set(spec["required"] as? [String] ?? []) == Set(DropletSpec.requiredFieldNames))
        #expect(Set((policy["properties"] as? [String: Any] ?? [:]).keys) == Set(DropletKind().policyFieldNames))
    }

    /// What the schema rejects, the loader rejects too.
    @Test func schemaInvalidFixturesFailTheLoader() throws {
        let directory = Self.fixtures.appendingPathComponent("schema-invalid")
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(throws: SpecLoadError.self, "\(file)") { try SpecLoader.parse(documents: [(path: file, text: text)]) }
        }
    }

    @Test func missingDirectoryIsAnError() throws {
        let error = try #require(throws: SpecLoadError.self) { try SpecLoader.load(directory: "/nonexistent/specs") }
        #expect(error.diagnostics.first?.message.contains("--specs") == true)
    }
}
