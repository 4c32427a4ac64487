import ArcadiaSpecs
import Testing

/// Every case compares the whole output text, so a byte changed outside the value fails it.
@Suite struct SpecFileEditorTests {
    static let droplet = """
        apiVersion: arcadia/v1
        kind: Droplet
        # the web tier
        metadata:
          name: web-1
        spec:
          region: nyc3
          size: s-1vcpu-1gb        # a comment
          image: ubuntu-24-04-x64
          tags: [web, prod]

        # trailing remark
        policy:
          drift: report

        """

    /// `expected`, and a file the spec loader still accepts when it accepted the original.
    private func expectEdit(_ original: String, _ edited: String, becomes expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(edited == expected, sourceLocation: sourceLocation)
        if (try? SpecLoader.parse(documents: [("before.yaml", original)])) != nil {
            #expect(throws: Never.self, sourceLocation: sourceLocation) { try SpecLoader.parse(documents: [("after.yaml", edited)]) }
        }
    }

    private func set(_ path: [String], _ value: SpecValue, in text: String) throws -> String {
        try SpecFileEditor.setting(path, to: value, in: text)
    }

    private func refusal(_ body: () throws -> String) -> String {
        do {
            let text = try body()
            return "no refusal: \(text)"
        } catch {
            return String(describing: error)
        }
    }

    // MARK: Scalars

    @Test func plainValueKeepsItsCommentAndTheSpacingBeforeIt() throws {
        let edited = try set(["spec", "size"], .string("s-2vcpu-4gb"), in: Self.droplet)
        expectEdit(Self.droplet, edited, becomes: Self.droplet.replacingOccurrences(of: "size: s-1vcpu-1gb ", with: "size: s-2vcpu-4gb "))
        #expect(edited.contains("  size: s-2vcpu-4gb        # a comment\n"))
    }

    @Test func plainValueThatWouldReadAsSomethingElseIsDoubleQuoted() throws {
        for (value, written) in [("42", "\"42\""), ("off", "\"off\""), ("2001-12-14", "\"2001-12-14\""), ("null", "\"null\""),
                                 ("a: b", "\"a: b\""), ("a #b", "\"a #b\""), ("*x", "\"*x\""), ("say \"hi\"", "say \"hi\"")] {
            let edited = try set(["spec", "image"], .string(value), in: Self.droplet)
            #expect(edited == Self.droplet.replacingOccurrences(of: "ubuntu-24-04-x64", with: written), "\(value)")
        }
    }

    @Test func singleQuotedStaysSingleQuoted() throws {
        let text = "spec:\n  region: 'nyc3'   # where\n  size: x\n"
        #expect(try set(["spec", "region"], .string("it's"), in: text) == "spec:\n  region: 'it''s'   # where\n  size: x\n")
        // A line break cannot be single-quoted: double quotes with an escape.
        #expect(try set(["spec", "region"], .string("a\nb"), in: text) == "spec:\n  region: \"a\\nb\"   # where\n  size: x\n")
    }

    @Test func doubleQuotedStaysDoubleQuotedWithEscapes() throws {
        let text = "spec:\n  image: \"ubuntu\" # quoted\n"
        #expect(try set(["spec", "image"], .string("a\"b\\c\td"), in: text) == "spec:\n  image: \"a\\\"b\\\\c\\td\" # quoted\n")
        #expect(try set(["spec", "image"], .string("plain-now"), in: text) == "spec:\n  image: \"plain-now\" # quoted\n")
    }

    @Test func booleansAndIntegersAreWrittenPlain() throws {
        let text = "policy:\n  protect: 'no'\n  keepSnapshots: 2 # newest two\n"
        #expect(try set(["policy", "protect"], .bool(true), in: text) == "policy:\n  protect: true\n  keepSnapshots: 2 # newest two\n")
        #expect(try set(["policy", "keepSnapshots"], .integer(5), in: text) == "policy:\n  protect: 'no'\n  keepSnapshots: 5 # newest two\n")
    }

    @Test func nestedPolicyField() throws {
        let edited = try set(["policy", "drift"], .string("revert"), in: Self.droplet)
        expectEdit(Self.droplet, edited, becomes: Self.droplet.replacingOccurrences(of: "drift: report", with: "drift: revert"))
    }

    @Test func flowMappingValueAndMultiByteCharactersBeforeIt() throws {
        let text = "metadata: {name: web-1, labels: {équipe: \"café ☕\", owner: ops}} # größe ✓\n"
        #expect(try set(["metadata", "labels", "owner"], .string("sre team"), in: text)
            == "metadata: {name: web-1, labels: {équipe: \"café ☕\", owner: sre team}} # größe ✓\n")
        // A value that needs quotes inside a flow collection: `,` ends a plain scalar there.
        #expect(try set(["metadata", "labels", "owner"], .string("a,b"), in: text)
            == "metadata: {name: web-1, labels: {équipe: \"café ☕\", owner: \"a,b\"}} # größe ✓\n")
        // An absent key goes before the closing brace.
        #expect(try set(["metadata", "labels", "tier"], .string("web"), in: text)
            == "metadata: {name: web-1, labels: {équipe: \"café ☕\", owner: ops, tier: web}} # größe ✓\n")
    }

    @Test func multiByteCommentOnTheLineAboveAndAfterTheValue() throws {
        let text = "spec:  # ünïcødé ✓ 🚀\n  région: x\n  tags: [café, 🚀]   # étiquettes 🏷\n  size: s-1 # größe\n"
        #expect(try set(["spec", "size"], .string("s-2"), in: text) == "spec:  # ünïcødé ✓ 🚀\n  région: x\n  tags: [café, 🚀]   # étiquettes 🏷\n  size: s-2 # größe\n")
        #expect(try SpecFileEditor.appending("naïve", toListAt: ["spec", "tags"], in: text)
            == "spec:  # ünïcødé ✓ 🚀\n  région: x\n  tags: [café, 🚀, naïve]   # étiquettes 🏷\n  size: s-1 # größe\n")
    }

    @Test func crlfLineEndingsStay() throws {
        let text = Self.droplet.replacingOccurrences(of: "\n", with: "\r\n")
        let edited = try set(["spec", "size"], .string("s-2vcpu-4gb"), in: text)
        expectEdit(text, edited, becomes: text.replacingOccurrences(of: "size: s-1vcpu-1gb ", with: "size: s-2vcpu-4gb "))
        let added = try set(["spec", "monitoring"], .bool(true), in: text)
        expectEdit(text, added, becomes: text.replacingOccurrences(of: "  tags: [web, prod]\r\n", with: "  tags: [web, prod]\r\n  monitoring: true\r\n"))
        let ignored = try SpecFileEditor.appending("size", toListAt: ["policy", "ignore"], in: text)
        expectEdit(text, ignored, becomes: text + "  ignore: [size]\r\n")
    }

    @Test func noTrailingNewlineStaysAbsent() throws {
        let text = "spec:\n  size: s-1\n  tags:\n  - web"
        #expect(try set(["spec", "size"], .string("s-2"), in: text) == "spec:\n  size: s-2\n  tags:\n  - web")
        #expect(try SpecFileEditor.appending("prod", toListAt: ["spec", "tags"], in: text) == "spec:\n  size: s-1\n  tags:\n  - web\n  - prod")
        #expect(try set(["policy", "drift"], .string("revert"), in: text) == "spec:\n  size: s-1\n  tags:\n  - web\npolicy:\n  drift: revert")
    }

    // MARK: Absent fields

    @Test func absentFieldIsAddedToItsMappingBeforeBlankLinesAndComments() throws {
        let edited = try set(["spec", "backups"], .bool(true), in: Self.droplet)
        expectEdit(Self.droplet, edited, becomes: Self.droplet.replacingOccurrences(of: "  tags: [web, prod]\n", with: "  tags: [web, prod]\n  backups: true\n"))
    }

    @Test func absentParentIsCreatedAtTheEndWithTheFilesIndentation() throws {
        let text = "apiVersion: arcadia/v1\nkind: Droplet\nmetadata:\n    name: web-1\nspec:\n    region: nyc3\n    size: s-1vcpu-1gb\n    image: ubuntu-24-04-x64\n# end\n"
        let edited = try set(["policy", "drift"], .string("revert"), in: text)
        expectEdit(text, edited, becomes: "apiVersion: arcadia/v1\nkind: Droplet\nmetadata:\n    name: web-1\nspec:\n    region: nyc3\n    size: s-1vcpu-1gb\n    image: ubuntu-24-04-x64\npolicy:\n    drift: revert\n# end\n")
    }

    @Test func emptyParentValueBecomesAMapping() throws {
        let text = "spec:\n  size: s-1\npolicy:   # none yet\n"
        #expect(try set(["policy", "protect"], .bool(false), in: text) == "spec:\n  size: s-1\npolicy:   # none yet\n  protect: false\n")
    }

    @Test func emptyValueGetsItsValueAfterTheColon() throws {
        let text = "spec:\n  vpc:\n  size: s-1\n"
        #expect(try set(["spec", "vpc"], .string("default"), in: text) == "spec:\n  vpc: default\n  size: s-1\n")
    }

    // MARK: Lists

    @Test func flowListIsReplacedItemByItemKeepingQuotes() throws {
        let text = "spec:\n  tags: [ web, 'prod' ]  # tiers\n"
        #expect(try set(["spec", "tags"], .strings(["web", "staging", "eu"]), in: text) == "spec:\n  tags: [ web, 'staging', eu ]  # tiers\n")
        #expect(try set(["spec", "tags"], .strings(["api"]), in: text) == "spec:\n  tags: [ api ]  # tiers\n")
        #expect(try set(["spec", "tags"], .strings([]), in: text) == "spec:\n  tags: []  # tiers\n")
        #expect(try set(["spec", "tags"], .strings(["a b", "yes", "x,y"]), in: "spec:\n  tags: []\n") == "spec:\n  tags: [a b, \"yes\", \"x,y\"]\n")
    }

    @Test func blockListKeepsItsIndentationAndComments() throws {
        let text = "spec:\n  tags:\n    - web   # first\n    # between\n    - prod\n  size: s-1\n"
        #expect(try set(["spec", "tags"], .strings(["web", "staging", "eu"]), in: text)
            == "spec:\n  tags:\n    - web   # first\n    # between\n    - staging\n    - eu\n  size: s-1\n")
        #expect(try set(["spec", "tags"], .strings(["api"]), in: text) == "spec:\n  tags:\n    - api   # first\n    # between\n  size: s-1\n")
    }

    @Test func ignoreAppendsToAFlowList() throws {
        let text = Self.droplet.replacingOccurrences(of: "  drift: report\n", with: "  drift: report\n  ignore: [tags]\n")
        let edited = try SpecFileEditor.appending("size", toListAt: ["policy", "ignore"], in: text)
        expectEdit(text, edited, becomes: text.replacingOccurrences(of: "[tags]", with: "[tags, size]"))
    }

    @Test func ignoreAppendsToABlockList() throws {
        let text = Self.droplet.replacingOccurrences(of: "  drift: report\n", with: "  ignore:\n  - tags # by hand\n  drift: report\n")
        let edited = try SpecFileEditor.appending("size", toListAt: ["policy", "ignore"], in: text)
        expectEdit(text, edited, becomes: text.replacingOccurrences(of: "  - tags # by hand\n", with: "  - tags # by hand\n  - size\n"))
    }

    @Test func ignoreIsCreatedWhenAbsent() throws {
        let edited = try SpecFileEditor.appending("size", toListAt: ["policy", "ignore"], in: Self.droplet)
        expectEdit(Self.droplet, edited, becomes: Self.droplet + "  ignore: [size]\n")
        let withoutPolicy = "apiVersion: arcadia/v1\nkind: Droplet\nmetadata:\n  name: web-1\nspec:\n  region: nyc3\n  size: s-1vcpu-1gb\n  image: ubuntu-24-04-x64\n"
        let created = try SpecFileEditor.appending("image", toListAt: ["policy", "ignore"], in: withoutPolicy)
        expectEdit(withoutPolicy, created, becomes: withoutPolicy + "policy:\n  ignore: [image]\n")
    }

    @Test func itemAlreadyPresentLeavesTheFileAlone() throws {
        let text = "policy:\n  ignore: [ 'size' ]   # keep\n"
        #expect(try SpecFileEditor.appending("size", toListAt: ["policy", "ignore"], in: text) == text)
    }

    // MARK: Refusals

    @Test func refusesWhatItCannotEditSafely() {
        let anchor = "spec:\n  size: &s s-1\n  image: x\n"
        #expect(refusal { try set(["spec", "size"], .string("s-2"), in: anchor) }.contains("spec.size"))
        #expect(refusal { try set(["spec", "size"], .string("s-2"), in: anchor) }.contains("anchor"))
        let alias = "base: &b s-1\nspec:\n  size: *b\n"
        #expect(refusal { try set(["spec", "size"], .string("s-2"), in: alias) }.contains("alias"))
        let documents = "spec:\n  size: s-1\n---\nspec:\n  size: s-1\n"
        #expect(refusal { try set(["spec", "size"], .string("s-2"), in: documents) }.contains("more than one YAML document"))
        #expect(refusal { try set(["spec", "tags", "x"], .string("y"), in: Self.droplet) }.contains("spec.tags is not a mapping"))
        let block = "spec:\n  userData: |\n    #!/bin/sh\n    echo hi\n"
        #expect(refusal { try set(["spec", "userData"], .strings(["a"]), in: block) }.contains("block scalar"))
        #expect(refusal { try set(["spec"], .string("x"), in: Self.droplet) }.contains("mapping"))
        #expect(refusal { try set(["spec", "tags"], .string("x"), in: "spec:\n  tags:\n  - a\n") }.contains("list"))
        #expect(refusal { try set(["spec", "size"], .string("x"), in: "spec: [a\n") }.contains("not valid YAML"))
        #expect(refusal { try set(["spec", "size"], .string("x"), in: "spec:\n  size: !!str s-1\n") }.contains("tag"))
        #expect(refusal { try SpecFileEditor.appending("x", toListAt: ["spec", "size"], in: "spec:\n  size: s-1\n") }.contains("not a list"))
    }
}
