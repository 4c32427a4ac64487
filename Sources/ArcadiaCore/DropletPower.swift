/// The droplet's power state as a drift-able field: every spec'd droplet is meant to run.
public enum DropletPower {
    /// The field's name in drift records and plans.
    public static let field = "status"
    /// DigitalOcean's status of a running droplet.
    public static let active = "active"
    /// DigitalOcean's status of a powered-off droplet.
    public static let off = "off"
}
