import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension FileHandle {
    /// Everything until end of file, reading the descriptor directly and reading again when a signal
    /// interrupts a read. Foundation's `readDataToEndOfFile()` traps on `EINTR` (a `try!` inside it):
    /// a child process ending while its parent reads another's pipe crashed the test process once.
    public func readAllRetryingInterrupts() throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(buffer, count: count)
            } else if count == 0 {
                return data
            } else if errno != EINTR {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
    }
}
