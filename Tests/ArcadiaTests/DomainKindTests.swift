import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The Domain kind: records pointing at a droplet and at a reserved IP applied from nothing, changed
/// one step each, drift on a record's TTL, a record added by hand reported (and pruned when asked), a
/// replaced droplet's A record following it, and the domain gone with its spec, against the simulator
/// over real HTTP.
@Suite struct DomainKindTests {
    static let standardRecords = [
        "{type: A, name: www, droplet: web, ttl: 300}", "{type: A, name: \"@\", reservedIP: web-ip}",
        "{type: CNAME, name: api, data: www.example.com.}", "{type: MX, name: \"@\", data: mail.example.com., priority: 10}",
        "{type: TXT, name: \"@\", data: \"v=spf1 -all\"}",
    ]

    static func domainSpec(_ records: [String] = standardRecords, name: String = "example.com", policy: String = "") -> String {
        (["apiVersion: arcadia/v1", "kind: Domain", "metadata: {name: \(name)}", "spec:", "  records:"] + records.map { "    - \($0)" })
            .joined(separator: "\n") + "\n" + policy
    }

    static let stack = [
        "web.yaml": dropletSpec(name: "web"), "web-ip.yaml": ReservedIPKindTests.ipSpec(), "example.yaml": domainSpec(),
    ]

    /// The domain's records other than SOA and NS, as `TYPE name data ttl`.
    static func records(_ loop: ReconcileLoop, _ domain: String = "example.com") async throws -> [String] {
        try await loop.sim.client.listDomainRecords(domain).filter { !["SOA", "NS"].contains($0.type) }
            .map { "\($0.type) \($0.name) \($0.data) \($0.ttl ?? 0)" }.sorted()
    }

    static func publicIPv4(_ loop: ReconcileLoop, _ name: String) async throws -> String {
        let droplet = try #require(try await loop.droplets(named: name).first)
        return try #require(droplet.networks.v4.first { $0.type == "public" }?.ipAddress)
    }

    static func recordID(_ loop: ReconcileLoop, type: String, name: String) async throws -> Int {
        try #require(try await loop.sim.client.listDomainRecords("example.com").first { $0.type == type && $0.name == name }).id
    }

    // MARK: The stack

    @Test(arguments: StoreEngine.allCases) func recordsFromNothingThroughChangesToNothing(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(Self.stack)
            let plan = try await loop.plan()
            #expect(plan.errors.isEmpty, "\(plan.errors)")
            #expect(plan.changes.map(\.change.key) == ["Droplet/web", "ReservedIP/web-ip", "Domain/example.com"])
            let domain = try #require(plan.changes.first { $0.change.kind == .domain })
            #expect(Set(domain.after) == ["Droplet/web", "ReservedIP/web-ip"])
            #expect(domain.steps == ["CreateDomain"] + Array(repeating: "CreateDomainRecord", count: 5) + ["RegisterDomain"])
            #expect(domain.summary == "Domain, 5 records")
            #expect(try await loop.apply(plan).isSuccess)

            let web = try await Self.publicIPv4(loop, "web")
            let address = try await ReservedIPKindTests.reserved(loop).ip
            #expect(try await Self.records(loop) == [
                "A @ \(address) 1800", "A www \(web) 300", "CNAME api www.example.com. 1800", "MX @ mail.example.com. 1800", "TXT @ v=spf1 -all 1800",
            ].sorted())
            let clean = try await loop.plan()
            #expect(clean.isInSync, "\(clean.changes.map(\.change.fields)) \(clean.drift)")

            // A TTL changed in the spec: that record is updated in place, one step.
            var records = Self.standardRecords
            records[0] = "{type: A, name: www, droplet: web, ttl: 600}"
            try loop.write(["example.yaml": Self.domainSpec(records)])
            let wwwID = try await Self.recordID(loop, type: "A", name: "www")
            let ttl = try await loop.plan()
            #expect(ttl.changes.map(\.steps) == [["UpdateDomainRecord", "RecordApplied"]])
            #expect(try await loop.apply(ttl).isSuccess)
            #expect(try await Self.recordID(loop, type: "A", name: "www") == wwwID, "the same record, updated in place")
            #expect(try await Self.records(loop).contains("A www \(web) 600"))
            #expect(try await loop.plan().isInSync)

            // A record removed from the spec is deleted.
            records.remove(at: 2)
            try loop.write(["example.yaml": Self.domainSpec(records)])
            let removal = try await loop.plan()
            #expect(removal.changes.map(\.steps) == [["DeleteDomainRecord", "RecordApplied"]])
            #expect(try await loop.apply(removal).isSuccess)
            #expect(try await !Self.records(loop).contains { $0.hasPrefix("CNAME") })
            #expect(try await loop.plan().isInSync)

            // Every spec removed: the domain goes before the droplet and the address it names.
            for file in Self.stack.keys { try loop.remove(file) }
            let teardown = try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true)
            #expect(teardown.changes.first?.change.key == "Domain/example.com")
            #expect(teardown.changes.first?.steps == ["DestroyDomain", "ForgetDomain"])
            #expect(teardown.changes.first { $0.change.key == "Droplet/web" }?.after.contains("Domain/example.com") == true)
            #expect(try await loop.apply(teardown).isSuccess)
            #expect(try await loop.sim.client.listDomains().isEmpty)
            #expect(try await loop.store.provisioned().isEmpty)
            #expect(try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true).isInSync)
        }
    }

    /// A record added by hand is reported and left alone; with pruneRecords it is deleted. SOA and NS never are.
    @Test(arguments: StoreEngine.allCases) func aRecordAddedByHandIsReportedThenPruned(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let records = ["{type: TXT, name: \"@\", data: \"v=spf1 -all\"}"]
            try loop.write(["example.yaml": Self.domainSpec(records)])
            #expect(try await loop.planAndApply())
            _ = try await loop.sim.client.createDomainRecord("example.com", DomainRecord(type: "CNAME", name: "old", data: "elsewhere.example."))
            let reported = try await loop.plan()
            #expect(reported.changes.isEmpty)
            #expect(reported.isInSync)
            #expect(reported.warnings.map(\.code) == ["records_not_in_spec"])
            #expect(reported.warnings.first?.message.contains("CNAME old elsewhere.example.") == true)

            try loop.write(["example.yaml": Self.domainSpec(records, policy: "policy:\n  pruneRecords: true\n")])
            let prune = try await loop.plan()
            #expect(prune.changes.map(\.steps) == [["DeleteDomainRecord", "RecordApplied"]])
            #expect(try await loop.apply(prune).isSuccess)
            #expect(try await Self.records(loop) == ["TXT @ v=spf1 -all 1800"])
            #expect(try await loop.sim.client.listDomainRecords("example.com").filter { $0.type == "NS" }.count == 3, "NS records stay")
            let after = try await loop.plan()
            #expect(after.isInSync && after.warnings.isEmpty)
        }
    }

    /// A TTL changed by hand is drift of that record, recorded, and put back by apply.
    @Test(arguments: StoreEngine.allCases) func driftOnATTLIsRecordedAndReverted(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["example.yaml": Self.domainSpec(["{type: MX, name: \"@\", data: mail.example.com., priority: 10, ttl: 300}"])])
            #expect(try await loop.planAndApply())
            let id = try await Self.recordID(loop, type: "MX", name: "@")
            _ = try await loop.sim.client.updateDomainRecord(
                "example.com", id: id, DomainRecord(type: "MX", name: "@", data: "mail.example.com.", ttl: 60, priority: 20)
            )
            let drifted = try await loop.plan()
            #expect(drifted.drift.map { "\($0.field): \($0.expected) → \($0.actual)" } == [
                "records[MX @ mail.example.com.]: ttl=300 priority=10 → ttl=60 priority=20",
            ])
            #expect(try await loop.store.drift(status: .open).map(\.field) == ["records[MX @ mail.example.com.]"])
            #expect(drifted.changes.map(\.steps) == [["UpdateDomainRecord", "RecordApplied"]])
            #expect(try await loop.apply(drifted).isSuccess)
            #expect(try await Self.records(loop) == ["MX @ mail.example.com. 300"])
            #expect(try await loop.store.drift(status: .reverted).map(\.field) == ["records[MX @ mail.example.com.]"])
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A replaced droplet's A record moves to the replacement's address in place, inside the droplet's
    /// replace saga (a domain saga right after records it), and nothing points at the old address.
    @Test(arguments: StoreEngine.allCases) func aReplacedDropletsRecordFollowsIt(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(Self.stack)
            #expect(try await loop.planAndApply())
            let old = try await Self.publicIPv4(loop, "web")
            let wwwID = try await Self.recordID(loop, type: "A", name: "www")
            try loop.write(["web.yaml": dropletSpec(name: "web", image: "debian-12-x64")])
            let replace = try await loop.plan()
            #expect(replace.changes.map(\.change.key) == ["Droplet/web", "ReservedIP/web-ip", "Domain/example.com"])
            let domain = try #require(replace.changes.first { $0.change.kind == .domain })
            #expect(Set(domain.after) == ["Droplet/web", "ReservedIP/web-ip"])
            #expect(domain.steps == ["RecordApplied"], "the droplet's saga moves the record; the domain's records it")
            #expect(replace.changes.first?.steps.contains("MoveDependents") == true)
            #expect(try await loop.apply(replace).isSuccess)
            let new = try await Self.publicIPv4(loop, "web")
            #expect(new != old)
            #expect(try await Self.records(loop).contains("A www \(new) 300"))
            #expect(try await !Self.records(loop).contains { $0.contains(old) })
            #expect(try await Self.recordID(loop, type: "A", name: "www") == wwwID)
            let next = try await loop.plan()
            #expect(next.isInSync, "\(next.changes.map(\.change.fields)) \(next.drift)")
        }
    }

    /// Adding a domain with two records costs the look for a namesake, its POST and one POST a record.
    @Test func requestsOfACreateAnUpdateAndADestroy() async throws {
        try await ReconcileLoop.with { loop in
            let records = ["{type: TXT, name: \"@\", data: \"v=spf1 -all\"}", "{type: CNAME, name: www, data: example.com.}"]
            try loop.write(["example.yaml": Self.domainSpec(records)])
            func spent(_ body: () async throws -> Void) async throws -> [String] {
                let before = try await VolumeKindTests.routes(loop)
                try await body()
                let after = try await VolumeKindTests.routes(loop)
                return after.filter { $0.value != before[$0.key] ?? 0 }.map { "\($0.key) \($0.value - (before[$0.key] ?? 0))" }.sorted()
            }
            let plan = try await loop.plan()
            let created = try await spent { _ = try await loop.apply(plan) }
            #expect(created == [
                "GET /v2/domains/{domain_name} 1", "POST /v2/domains 1", "POST /v2/domains/{domain_name}/records 2",
            ])
            // The inventory: one list of domains, one list of records per domain (and the droplets every plan lists).
            let planned = try await spent { _ = try await loop.plan() }
            #expect(planned == [
                "GET /v2/domains 1", "GET /v2/domains/{domain_name}/records 1", "GET /v2/droplets 1",
            ])
            try loop.write(["example.yaml": Self.domainSpec([records[0].replacingOccurrences(of: "}", with: ", ttl: 60}")])])
            let update = try await loop.plan()
            let updated = try await spent { _ = try await loop.apply(update) }
            #expect(updated == [
                "DELETE /v2/domains/{domain_name}/records/{domain_record_id} 1", "PUT /v2/domains/{domain_name}/records/{domain_record_id} 1",
            ])
            try loop.remove("example.yaml")
            let destroy = try await loop.plan()
            let destroyed = try await spent { _ = try await loop.apply(destroy) }
            #expect(destroyed == ["DELETE /v2/domains/{domain_name} 1"])
        }
    }

    // MARK: Crashes

    /// Kill points inside the domain steps: the resume finishes the saga with each record once.
    @Test(arguments: [
        "create:CreateDomain:sending", "create:CreateDomain:after-call", "create:CreateDomainRecord:after-call",
        "update:UpdateDomainRecord:after-call", "update:DeleteDomainRecord:after-call", "destroy:DestroyDomain:sending",
    ])
    func aResumeAfterAKillAdoptsInsteadOfRepeating(point: String) async throws {
        try await ReconcileLoop.with { loop in
            let scenario = String(point.prefix { $0 != ":" })
            let records = ["{type: TXT, name: \"@\", data: \"v=spf1 -all\"}", "{type: CNAME, name: www, data: example.com.}"]
            if scenario != "create" {
                try loop.write(["example.yaml": Self.domainSpec(records)])
                #expect(try await loop.planAndApply())
            }
            switch scenario {
            case "create": try loop.write(["example.yaml": Self.domainSpec(records)])
            case "update": try loop.write(["example.yaml": Self.domainSpec([records[0].replacingOccurrences(of: "}", with: ", ttl: 60}")])])
            default: try loop.remove("example.yaml")
            }
            let killed = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: point))
            #expect(!killed.isSuccess)
            let resumed = try await loop.runner(rechecking: true).resume(parallelism: 2)
            #expect(!resumed.isEmpty && resumed.allSatisfy { $0.status == .completed }, "\(resumed)")
            switch scenario {
            case "create": #expect(try await Self.records(loop) == ["CNAME www example.com. 1800", "TXT @ v=spf1 -all 1800"])
            case "update": #expect(try await Self.records(loop) == ["TXT @ v=spf1 -all 60"])
            default: #expect(try await loop.sim.client.listDomains().isEmpty)
            }
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A domain that exists already and that Arcadia did not add is refused, never taken over or deleted.
    @Test func aDomainThatExistsAlreadyIsRefusedAndKept() async throws {
        try await ReconcileLoop.with { loop in
            _ = try await loop.sim.client.createDomain("example.com")
            try loop.write(["example.yaml": Self.domainSpec(["{type: TXT, name: \"@\", data: \"v=spf1 -all\"}"])])
            #expect(try await !loop.planAndApply())
            #expect(try await loop.sim.client.listDomains().map(\.name) == ["example.com"])
            #expect(try await Self.records(loop).isEmpty)
        }
    }

    // MARK: Validation

    @Test func theSchemaAndTheKindNameTheSameFields() throws {
        try KindSchemaCheck.expectAgreement("domain.schema.json", kind: DomainKind(), required: ["records"])
    }

    @Test func validateReportsEachBadRecordAtItsPosition() throws {
        let records = [
            "{type: AA, name: www, data: 192.0.2.1}", "{type: CNAME, name: api}", "{type: A, name: www, droplet: web, data: 192.0.2.1}",
            "{type: MX, name: \"@\", data: mail.example.com.}", "{type: A, name: x, droplet: wbe}", "{type: A, name: y, reservedIP: nope}",
            "{type: CNAME, name: z, droplet: web}",
        ]
        let error = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [("specs/web.yaml", dropletSpec(name: "web")), ("specs/example.yaml", Self.domainSpec(records))])
        }
        #expect(error.diagnostics.map(\.description) == [
            "specs/example.yaml:6:14: 'type' must be one of A, AAAA, CAA, CNAME, MX, NS, SRV, TXT, not 'AA'; did you mean 'A'?",
            "specs/example.yaml:7:7: missing data in CNAME record 'api': set 'data'",
            "specs/example.yaml:8:28: set only one of data and droplet: a record's data comes from one place",
            "specs/example.yaml:9:7: missing required field 'priority' in MX record '@'",
            "specs/example.yaml:12:39: 'droplet' gives an IPv4 address, so only an A record may take it; set 'data' for a CNAME record",
        ])
        let unknown = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [
                ("specs/web.yaml", dropletSpec(name: "web")), ("specs/example.yaml", Self.domainSpec([records[4], records[5]])),
            ])
        }
        #expect(unknown.diagnostics.map(\.description) == [
            "specs/example.yaml:6:7: records[0] names Droplet 'wbe', which no spec defines; did you mean 'web'?",
            "specs/example.yaml:7:7: records[1] names ReservedIP 'nope', which no spec defines (no ReservedIP spec is named so; add one, or fix the name)",
        ])
    }
}
