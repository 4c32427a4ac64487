/// DigitalOcean's public catalogue: regions, droplet sizes with their prices, distribution images.
///
/// Figures are DigitalOcean's published ones (monthly USD; hourly is monthly / 672, as DigitalOcean bills).
public enum Catalogue {
    public struct RegionEntry: Sendable {
        public let slug: String
        public let name: String
        public let available: Bool
    }

    public struct SizeEntry: Sendable {
        public let slug: String
        public let vcpus: Int
        /// MiB.
        public let memory: Int
        /// GB.
        public let disk: Int
        /// TB a month.
        public let transfer: Double
        public let priceMonthly: Double
        public let description: String

        public var priceHourly: Double { (priceMonthly / 672 * 100_000).rounded() / 100_000 }
    }

    public struct ImageEntry: Sendable {
        public let id: Int
        public let slug: String
        public let name: String
        public let distribution: String
        public let minDiskSize: Int
        public let sizeGigabytes: Double
        public let createdAt: String
    }

    static let regionFeatures = ["backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"]

    public static let regions: [RegionEntry] = [
        RegionEntry(slug: "nyc1", name: "New York 1", available: true),
        RegionEntry(slug: "nyc2", name: "New York 2", available: false),
        RegionEntry(slug: "nyc3", name: "New York 3", available: true),
        RegionEntry(slug: "sfo1", name: "San Francisco 1", available: false),
        RegionEntry(slug: "sfo2", name: "San Francisco 2", available: true),
        RegionEntry(slug: "sfo3", name: "San Francisco 3", available: true),
        RegionEntry(slug: "ams2", name: "Amsterdam 2", available: false),
        RegionEntry(slug: "ams3", name: "Amsterdam 3", available: true),
        RegionEntry(slug: "sgp1", name: "Singapore 1", available: true),
        RegionEntry(slug: "lon1", name: "London 1", available: true),
        RegionEntry(slug: "fra1", name: "Frankfurt 1", available: true),
        RegionEntry(slug: "tor1", name: "Toronto 1", available: true),
        RegionEntry(slug: "blr1", name: "Bangalore 1", available: true),
        RegionEntry(slug: "syd1", name: "Sydney 1", available: true),
        RegionEntry(slug: "atl1", name: "Atlanta 1", available: true),
    ]

    public static let sizes: [SizeEntry] = [
        // Basic (shared CPU), regular SSD.
        SizeEntry(slug: "s-1vcpu-512mb-10gb", vcpus: 1, memory: 512, disk: 10, transfer: 0.5, priceMonthly: 4, description: "Basic"),
        SizeEntry(slug: "s-1vcpu-1gb", vcpus: 1, memory: 1024, disk: 25, transfer: 1, priceMonthly: 6, description: "Basic"),
        SizeEntry(slug: "s-1vcpu-2gb", vcpus: 1, memory: 2048, disk: 50, transfer: 2, priceMonthly: 12, description: "Basic"),
        SizeEntry(slug: "s-2vcpu-2gb", vcpus: 2, memory: 2048, disk: 60, transfer: 3, priceMonthly: 18, description: "Basic"),
        SizeEntry(slug: "s-2vcpu-4gb", vcpus: 2, memory: 4096, disk: 80, transfer: 4, priceMonthly: 24, description: "Basic"),
        SizeEntry(slug: "s-4vcpu-8gb", vcpus: 4, memory: 8192, disk: 160, transfer: 5, priceMonthly: 48, description: "Basic"),
        SizeEntry(slug: "s-8vcpu-16gb", vcpus: 8, memory: 16384, disk: 320, transfer: 6, priceMonthly: 96, description: "Basic"),
        // Basic, premium Intel and AMD (NVMe).
        SizeEntry(slug: "s-1vcpu-1gb-intel", vcpus: 1, memory: 1024, disk: 35, transfer: 1, priceMonthly: 8, description: "Premium Intel"),
        SizeEntry(slug: "s-1vcpu-2gb-intel", vcpus: 1, memory: 2048, disk: 70, transfer: 2, priceMonthly: 16, description: "Premium Intel"),
        SizeEntry(slug: "s-2vcpu-2gb-intel", vcpus: 2, memory: 2048, disk: 90, transfer: 3, priceMonthly: 24, description: "Premium Intel"),
        SizeEntry(slug: "s-2vcpu-4gb-intel", vcpus: 2, memory: 4096, disk: 120, transfer: 4, priceMonthly: 32, description: "Premium Intel"),
        SizeEntry(slug: "s-4vcpu-8gb-intel", vcpus: 4, memory: 8192, disk: 240, transfer: 5, priceMonthly: 64, description: "Premium Intel"),
        SizeEntry(slug: "s-1vcpu-1gb-amd", vcpus: 1, memory: 1024, disk: 25, transfer: 1, priceMonthly: 7, description: "Premium AMD"),
        SizeEntry(slug: "s-1vcpu-2gb-amd", vcpus: 1, memory: 2048, disk: 50, transfer: 2, priceMonthly: 14, description: "Premium AMD"),
        SizeEntry(slug: "s-2vcpu-2gb-amd", vcpus: 2, memory: 2048, disk: 60, transfer: 3, priceMonthly: 21, description: "Premium AMD"),
        SizeEntry(slug: "s-2vcpu-4gb-amd", vcpus: 2, memory: 4096, disk: 80, transfer: 4, priceMonthly: 28, description: "Premium AMD"),
        SizeEntry(slug: "s-4vcpu-8gb-amd", vcpus: 4, memory: 8192, disk: 160, transfer: 5, priceMonthly: 56, description: "Premium AMD"),
        // General purpose (dedicated CPU).
        SizeEntry(slug: "g-2vcpu-8gb", vcpus: 2, memory: 8192, disk: 25, transfer: 4, priceMonthly: 63, description: "General Purpose"),
        SizeEntry(slug: "g-4vcpu-16gb", vcpus: 4, memory: 16384, disk: 50, transfer: 5, priceMonthly: 126, description: "General Purpose"),
        SizeEntry(slug: "g-8vcpu-32gb", vcpus: 8, memory: 32768, disk: 100, transfer: 6, priceMonthly: 252, description: "General Purpose"),
        SizeEntry(slug: "g-16vcpu-64gb", vcpus: 16, memory: 65536, disk: 200, transfer: 7, priceMonthly: 504, description: "General Purpose"),
        SizeEntry(slug: "g-32vcpu-128gb", vcpus: 32, memory: 131072, disk: 400, transfer: 8, priceMonthly: 1008, description: "General Purpose"),
        SizeEntry(slug: "g-40vcpu-160gb", vcpus: 40, memory: 163840, disk: 500, transfer: 9, priceMonthly: 1260, description: "General Purpose"),
        SizeEntry(slug: "gd-2vcpu-8gb", vcpus: 2, memory: 8192, disk: 50, transfer: 4, priceMonthly: 68, description: "General Purpose"),
        SizeEntry(slug: "gd-4vcpu-16gb", vcpus: 4, memory: 16384, disk: 100, transfer: 5, priceMonthly: 136, description: "General Purpose"),
        SizeEntry(slug: "gd-8vcpu-32gb", vcpus: 8, memory: 32768, disk: 200, transfer: 6, priceMonthly: 272, description: "General Purpose"),
        // CPU-optimized (dedicated CPU).
        SizeEntry(slug: "c-2", vcpus: 2, memory: 4096, disk: 25, transfer: 4, priceMonthly: 42, description: "CPU-Optimized"),
        SizeEntry(slug: "c-4", vcpus: 4, memory: 8192, disk: 50, transfer: 5, priceMonthly: 84, description: "CPU-Optimized"),
        SizeEntry(slug: "c-8", vcpus: 8, memory: 16384, disk: 100, transfer: 6, priceMonthly: 168, description: "CPU-Optimized"),
        SizeEntry(slug: "c-16", vcpus: 16, memory: 32768, disk: 200, transfer: 7, priceMonthly: 336, description: "CPU-Optimized"),
        SizeEntry(slug: "c-32", vcpus: 32, memory: 65536, disk: 400, transfer: 9, priceMonthly: 672, description: "CPU-Optimized"),
        SizeEntry(slug: "c-48", vcpus: 48, memory: 98304, disk: 600, transfer: 11, priceMonthly: 1008, description: "CPU-Optimized"),
        SizeEntry(slug: "c2-2vcpu-4gb", vcpus: 2, memory: 4096, disk: 50, transfer: 4, priceMonthly: 47, description: "CPU-Optimized"),
        SizeEntry(slug: "c2-4vcpu-8gb", vcpus: 4, memory: 8192, disk: 100, transfer: 5, priceMonthly: 94, description: "CPU-Optimized"),
    ]

    public static let images: [ImageEntry] = [
        ImageEntry(id: 168_001_001, slug: "ubuntu-24-04-x64", name: "24.04 (LTS) x64", distribution: "Ubuntu", minDiskSize: 7, sizeGigabytes: 2.44, createdAt: "2024-04-25T16:00:00Z"),
        ImageEntry(id: 168_001_002, slug: "ubuntu-22-04-x64", name: "22.04 (LTS) x64", distribution: "Ubuntu", minDiskSize: 7, sizeGigabytes: 2.34, createdAt: "2022-04-21T16:00:00Z"),
        ImageEntry(id: 168_001_003, slug: "ubuntu-25-04-x64", name: "25.04 x64", distribution: "Ubuntu", minDiskSize: 7, sizeGigabytes: 2.51, createdAt: "2025-04-17T16:00:00Z"),
        ImageEntry(id: 168_001_004, slug: "debian-12-x64", name: "12 x64", distribution: "Debian", minDiskSize: 7, sizeGigabytes: 1.52, createdAt: "2023-06-12T16:00:00Z"),
        ImageEntry(id: 168_001_005, slug: "debian-11-x64", name: "11 x64", distribution: "Debian", minDiskSize: 7, sizeGigabytes: 1.41, createdAt: "2021-08-16T16:00:00Z"),
        ImageEntry(id: 168_001_006, slug: "fedora-42-x64", name: "42 x64", distribution: "Fedora", minDiskSize: 7, sizeGigabytes: 1.93, createdAt: "2025-04-16T16:00:00Z"),
        ImageEntry(id: 168_001_007, slug: "centos-stream-9-x64", name: "Stream 9 x64", distribution: "CentOS", minDiskSize: 10, sizeGigabytes: 1.73, createdAt: "2022-01-20T16:00:00Z"),
        ImageEntry(id: 168_001_009, slug: "rockylinux-9-x64", name: "Rocky Linux 9", distribution: "Rocky Linux", minDiskSize: 10, sizeGigabytes: 1.46, createdAt: "2022-07-14T16:00:00Z"),
    ]

    /// Regions an image can be listed in: the contract's image schema enumerates region slugs and does not know `atl1` yet.
    static let imageRegions = regions.filter { $0.available && $0.slug != "atl1" }.map(\.slug)

    static func region(_ slug: String) -> RegionEntry? { regions.first { $0.slug == slug } }
    static func size(_ slug: String) -> SizeEntry? { sizes.first { $0.slug == slug } }
    static func image(_ reference: String) -> ImageEntry? {
        images.first { $0.slug == reference || String($0.id) == reference }
    }
}
