import Foundation

extension World {
    static let reservedIPLimit = 100

    /// With a droplet, the address is reserved in its region and an `assign` action starts at once.
    func createReservedIP(dropletID: Int?, region: String?) throws -> (SimReservedIP, SimAction?) {
        advance()
        guard state.reservedIPs.count < Self.reservedIPLimit else {
            throw SimulatorError.unprocessable("You have reached your limit of \(Self.reservedIPLimit) reserved IPs.")
        }
        var regionSlug = region
        if let dropletID {
            guard let droplet = state.droplets[dropletID] else { throw SimulatorError.notFound() }
            regionSlug = droplet.region
        }
        guard let regionSlug, Catalogue.region(regionSlug)?.available == true else {
            throw SimulatorError.unprocessable("You specified an invalid region for the reserved IP.")
        }
        let octet = (1...254).first { n in state.reservedIPs["203.0.113.\(n)"] == nil } ?? 254
        let reserved = SimReservedIP(ip: "203.0.113.\(octet)", region: regionSlug, dropletID: nil, projectID: nextUUID(0x9e))
        state.reservedIPs[reserved.ip] = reserved
        let action = dropletID.map { id in
            startAction(type: "assign", resourceType: "reserved_ip", key: reserved.ip, region: regionSlug, parameters: ["droplet_id": String(id)])
        }
        return (reserved, action)
    }

    func reservedIPs() -> [SimReservedIP] {
        advance()
        return state.reservedIPs.values.sorted { $0.ip.compare($1.ip, options: .numeric) == .orderedAscending }
    }

    func reservedIP(_ ip: String) throws -> SimReservedIP {
        advance()
        guard let reserved = state.reservedIPs[ip] else { throw SimulatorError.notFound() }
        return reserved
    }

    func deleteReservedIP(_ ip: String) throws {
        _ = try reservedIP(ip)
        guard !isLocked("reserved_ip", ip) else { throw SimulatorError.unprocessable("Reserved IP already has a pending event.") }
        state.reservedIPs.removeValue(forKey: ip)
    }

    func performReservedIPAction(_ ip: String, type: String, dropletID: Int?) throws -> SimAction {
        let reserved = try reservedIP(ip)
        guard !isLocked("reserved_ip", ip) else { throw SimulatorError.unprocessable("Reserved IP already has a pending event.") }
        switch type {
        case "assign":
            guard let dropletID, let droplet = state.droplets[dropletID] else {
                throw SimulatorError.unprocessable("droplet_id must name a Droplet of yours.")
            }
            guard droplet.region == reserved.region else {
                throw SimulatorError.unprocessable("The Droplet must be in the reserved IP's region (\(reserved.region)).")
            }
            return startAction(type: type, resourceType: "reserved_ip", key: ip, region: reserved.region, parameters: ["droplet_id": String(dropletID)])
        case "unassign":
            guard reserved.dropletID != nil else { throw SimulatorError.unprocessable("The reserved IP is not assigned.") }
            return startAction(type: type, resourceType: "reserved_ip", key: ip, region: reserved.region)
        default:
            throw SimulatorError.unprocessable("'\(type)' is not a valid reserved IP action type.")
        }
    }

    func applyReservedIPAction(_ action: SimAction) {
        guard state.reservedIPs[action.resourceKey] != nil else { return }
        if action.type == "assign", let id = action.parameters["droplet_id"].flatMap(Int.init), state.droplets[id] != nil {
            state.reservedIPs[action.resourceKey]?.dropletID = id
        } else if action.type == "unassign" {
            state.reservedIPs[action.resourceKey]?.dropletID = nil
        }
    }

    /// IPv4 as the integer DigitalOcean gives as an action's `resource_id`.
    static func integer(ip: String) -> Int {
        ip.split(separator: ".").compactMap { Int($0) }.reduce(0) { $0 << 8 | $1 }
    }
}
