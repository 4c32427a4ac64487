import Hummingbird
import NIOCore

/// The request context: Hummingbird's basics plus the connection, which connection faults close.
struct SimRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
