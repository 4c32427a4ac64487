import Foundation

/// Maps CPU-bound work over the machine's cores, keeping the input's order.
enum ParallelMap {
    /// `transform` of every element, in order. Elements are handed out in chunks (a few per core, so
    /// one slow chunk does not hold the rest up); small inputs stay on the calling thread.
    static func map<Element: Sendable, Result: Sendable>(_ elements: [Element], _ transform: @Sendable (Element) -> Result) -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores > 1, elements.count >= 64 else { return elements.map(transform) }
        let chunkCount = min(elements.count, cores * 4)
        let chunkSize = (elements.count + chunkCount - 1) / chunkCount
        let results = Results<Result>(chunks: chunkCount)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let start = chunk * chunkSize
            let end = min(start + chunkSize, elements.count)
            results.set(chunk, start < end ? elements[start..<end].map(transform) : [])
        }
        return results.joined()
    }

    /// Each chunk's results, written once by the thread that made them.
    private final class Results<Result>: @unchecked Sendable {
        private let lock = NSLock()
        private var chunks: [[Result]]

        init(chunks: Int) {
            self.chunks = Array(repeating: [], count: chunks)
        }

        func set(_ chunk: Int, _ results: [Result]) {
            lock.withLock { chunks[chunk] = results }
        }

        func joined() -> [Result] {
            lock.withLock { chunks.flatMap { $0 } }
        }
    }
}
