import Foundation

extension World {
    static let dropletActionTypes = ["power_off", "power_on", "shutdown", "resize", "snapshot"]

    /// Starts a droplet action with DigitalOcean's preconditions: the droplet must not be locked,
    /// a resize needs it powered off, and a disk never shrinks.
    func performAction(dropletID: Int, type: String, size: String?, resizeDisk: Bool, name: String?) throws -> SimAction {
        advance()
        guard let droplet = state.droplets[dropletID] else { throw SimulatorError.notFound() }
        guard Self.dropletActionTypes.contains(type) else {
            throw SimulatorError.unprocessable("'\(type)' is not a valid action type.")
        }
        guard !isLocked(dropletID) else {
            throw SimulatorError.unprocessable("Droplet already has a pending event.")
        }
        switch type {
        case "power_off", "shutdown":
            guard droplet.status == "active" else { throw SimulatorError.unprocessable("Droplet is already powered off.") }
        case "power_on":
            guard droplet.status == "off" else { throw SimulatorError.unprocessable("Droplet is already powered on.") }
        case "resize":
            try checkResize(droplet, to: size)
        default:
            guard droplet.status != "new" else { throw SimulatorError.unprocessable("Droplet is still being created.") }
        }
        return startAction(type: type, droplet: droplet, size: size, resizeDisk: resizeDisk, snapshotName: name)
    }

    private func checkResize(_ droplet: SimDroplet, to size: String?) throws {
        guard let size, let target = Catalogue.size(size) else {
            throw SimulatorError.unprocessable("You specified an invalid size for Droplet resize.")
        }
        guard droplet.status == "off" else {
            throw SimulatorError.unprocessable("Droplet must be off prior to resizing.")
        }
        guard size != droplet.size else {
            throw SimulatorError.unprocessable("Droplet is already this size.")
        }
        guard target.disk >= droplet.disk else {
            throw SimulatorError.unprocessable(
                "This size's disk (\(target.disk) GB) is smaller than the Droplet's disk (\(droplet.disk) GB); disks cannot be shrunk."
            )
        }
    }
}
